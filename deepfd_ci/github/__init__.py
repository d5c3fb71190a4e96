"""The right half of DESIGN.md: from a pull-request event to review comments and a merge gate.

One module per stage, in the order the action runs them:

- `inputs`, `context`: the action's inputs and the pull request the event is about.
- `api`: the only module that talks to GitHub (PyGithub), returning plain records.
- `selection`: which changed files are training scripts to analyse (and which shard runs them).
- `analysis`: runs the injected analyzer (`deepfd_ci.pipeline.diagnose`) on HEAD and, optionally, on
  the base commit, with `.deepfd.yml` per-script options and ignored types. Output: `Analysis`.
- `artifact`: the schema-versioned findings file between `analyze` and `publish` jobs.
- `diffs`, `anchoring`, `fingerprints`, `results`: turn an `Analysis` plus the PR's patches into the
  one record every publisher reads, `ActionReport` (a list of `Result`s with placements).
- `markdown`: all text rendering and escaping.
- `publishers/*`: interchangeable reporters (review, sticky summary, job summary, annotations,
  check run / status, SARIF, rdjsonl, step outputs), each `publish(report)`.
- `gate`: severity -> conclusion and exit code.
- `runner`: wires the stages for the three modes; `commands`: the CLI subcommand.
"""
