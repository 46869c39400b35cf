"""`outagekb import`: past incidents from a status page (Statuspage v2 JSON), Google Cloud's
status feed (`incidents.json`) or a spreadsheet (CSV), written as incident files.

Each source module turns its input into `record.Record`s (facts only: nothing guessed);
`emit` writes a record as YAML, `existing` finds the files an earlier import wrote, `update`
edits such a file in place for `--update`, and `run` ties them together for the command.
The CLI imports this package only when `outagekb import` runs.
"""
