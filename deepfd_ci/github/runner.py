"""Wires the stages for the action's modes and turns every expected failure into a clear message.

- `auto` on `pull_request`: analyse, then publish from the same job (read-only token: degrade).
- `analyze`: analyse and write the findings artifact; no GitHub writes (fork-safe job).
- `publish`: validate the artifact(s) and post (the `workflow_run` job holding a write token).
Exit codes: 0 pass, 1 the gate failed (fail_level), 2 the action could not do its job.
"""

from __future__ import annotations

import contextlib
import dataclasses
import glob
import os
import subprocess
import sys
import time
from collections.abc import Callable, Iterator, Mapping
from dataclasses import dataclass, field
from pathlib import Path
from typing import TextIO

from deepfd_ci import __version__
from deepfd_ci.config import DEFAULT_CONFIG_PATH, Config, ConfigError, load_config
from deepfd_ci.github import artifact, dependencies, selection
from deepfd_ci.github.analysis import Analysis, Analyzer, analyze
from deepfd_ci.github.api import GitHubAPI, GitHubError, ReadOnlyError
from deepfd_ci.github.artifact import ArtifactError
from deepfd_ci.github.context import (
    ContextError,
    PullRequestRef,
    RunEnvironment,
    pull_request_from_event,
    workflow_run_head_sha,
)
from deepfd_ci.github.diffs import ChangedFile, PatchError
from deepfd_ci.github.gate import judge
from deepfd_ci.github.inputs import ActionInputs, InputError
from deepfd_ci.github.outputs import write_outputs
from deepfd_ci.github.publishers import Publisher
from deepfd_ci.github.publishers.annotations import AnnotationPublisher, command
from deepfd_ci.github.publishers.checks import CheckRunPublisher, StatusPublisher
from deepfd_ci.github.publishers.rdjsonl import RdjsonlPublisher
from deepfd_ci.github.publishers.review import ReviewPublisher
from deepfd_ci.github.publishers.sarif import SarifPublisher
from deepfd_ci.github.publishers.step_summary import StepSummaryPublisher
from deepfd_ci.github.publishers.summary_comment import SummaryCommentPublisher
from deepfd_ci.github.results import ActionReport, build_report
from deepfd_ci.pipeline import DiagnoseOptions

ApiFactory = Callable[[str, str, str], GitHubAPI]  # (token, repository, api_url)

FORK_MESSAGE = (
    "This pull request comes from a fork, so this workflow's token is read-only and nothing can be "
    "posted on the pull request. The findings are in this job summary, the annotations and the "
    "findings artifact. To get review comments on fork PRs, use the fork-safe workflow pair "
    "(pull_request + workflow_run) from deepfd-ci's docs."
)
READ_ONLY_MESSAGE = (
    "GitHub refused to let this workflow's token write ({reason}). Give the job `pull-requests: write` "
    "(and `checks: write` / `statuses: write` for the check input), or use the fork-safe workflow pair. "
    "The findings are in this job summary and the annotations."
)


class Log:
    """The action's log lines. Untrusted text is folded onto our own prefixed line, so it can never
    start a line with `::` (a workflow command)."""

    def __init__(self, stream: TextIO) -> None:
        self.stream = stream

    def info(self, message: str) -> None:
        self.stream.write(
            "deepfd-ci: " + message.replace("\r", " ").replace("\n", " ⏎ ") + "\n"
        )

    def error(self, message: str) -> None:
        self.stream.write(command("error", message, title="deepfd-ci") + "\n")

    @contextlib.contextmanager
    def group(self, title: str) -> Iterator[None]:
        self.stream.write(f"::group::deepfd-ci: {title}\n")
        try:
            yield
        finally:
            self.stream.write("::endgroup::\n")


@dataclass
class Action:
    """One run of the action; the analyzer and the GitHub client are injectable for tests."""

    env: Mapping[str, str]
    analyzer: Analyzer | None = None
    api_factory: ApiFactory | None = None
    stdout: TextIO = field(default_factory=lambda: sys.stdout)

    def run(self) -> int:
        log = Log(self.stdout)
        try:
            inputs = ActionInputs.from_env(self.env)
            where = RunEnvironment.from_env(self.env)
            mode = inputs.mode
            if mode == "auto":
                mode = "publish" if where.event_name == "workflow_run" else "auto"
            if mode == "auto" and inputs.shard:
                log.info(
                    f"shard {inputs.shard[0]}/{inputs.shard[1]}: analysing only; a publish job merges the shards"
                )
                mode = "analyze"
            if mode == "publish":
                return self._publish_only(inputs, where, log)
            return self._analyze(inputs, where, log, publish=(mode == "auto"))
        except (
            InputError,
            ContextError,
            ConfigError,
            ArtifactError,
            GitHubError,
            PatchError,
        ) as exc:
            log.error(str(exc))
            return 2

    # -- modes ---------------------------------------------------------------------------------

    def _analyze(
        self, inputs: ActionInputs, where: RunEnvironment, log: Log, publish: bool
    ) -> int:
        started = time.monotonic()
        pr = pull_request_from_event(where)
        config_path = Path(where.workspace) / inputs.config
        config = load_config(
            config_path, missing_ok=inputs.config == DEFAULT_CONFIG_PATH
        )
        api = self._api(inputs, where)
        files = api.changed_files(pr.number)
        scripts = selection.select_scripts(files, where.workspace, config, inputs.paths)
        if inputs.shard:
            scripts = selection.shard(scripts, *inputs.shard)
        log.info(
            f"pull request #{pr.number} at {pr.head_sha[:12]}: {len(files)} changed file(s), {len(scripts)} training script(s) to analyse"
        )
        output_dir = Path(where.workspace) / inputs.output_dir
        options, setup_notes = self._options(inputs, config, where, output_dir, log)
        with log.group(f"analysing {len(scripts)} script(s)"):
            analysis = analyze(
                where.workspace,
                scripts,
                config,
                options,
                self._analyzer(),
                pr.base_sha if inputs.base_compare else None,
            )
            for report in analysis.reports:
                log.info(
                    f"{report.path}: {report.status}, {len(report.faults)} fault(s)"
                )
        analysis.notes[:0] = setup_notes + _checkout_notes(where.workspace, pr.head_sha)
        report_path = artifact.write(
            output_dir / artifact.file_name(inputs.shard),
            where.repository or pr.repository,
            pr.number,
            pr.head_sha,
            pr.base_sha,
            analysis,
            inputs.shard,
        )
        fail_level = inputs.fail_level or config.fail_level or "error"
        report = build_report(
            pr, analysis, files, inputs.filter_mode, inputs.max_comments, fail_level
        )
        report.run_url = where.run_url
        report.timings["analysis"] = analysis.seconds
        if not publish:
            report.notes.append(
                "Analysis only (mode: analyze): the publish job posts these findings on the pull request."
            )
        elif pr.fork:
            report.read_only = FORK_MESSAGE
        return self._finish(
            report,
            inputs,
            where,
            log,
            api if publish and not pr.fork else None,
            report_path,
            started,
        )

    def _publish_only(
        self, inputs: ActionInputs, where: RunEnvironment, log: Log
    ) -> int:
        started = time.monotonic()
        if where.event_name == "workflow_run":
            head_sha = workflow_run_head_sha(where)
        else:
            head_sha = pull_request_from_event(where).head_sha
        paths = sorted(
            Path(p)
            for p in glob.glob(
                str(Path(where.workspace) / inputs.findings), recursive=True
            )
        )
        findings = artifact.load(paths)
        repository = where.repository
        if findings.repository != repository:
            raise ArtifactError(
                f"the findings are for {findings.repository}, but this is {repository}"
            )
        if findings.head_sha != head_sha:
            raise ArtifactError(
                f"the findings are for commit {findings.head_sha[:12]}, but the triggering run is for {head_sha[:12]}"
            )
        api = self._api(inputs, where)
        pr = _verified_pull_request(api, findings.pull_request, head_sha)
        files = api.changed_files(pr.number)
        analysis = _only_changed(findings.analysis, files)
        log.info(
            f"publishing {len(paths)} findings file(s) for pull request #{pr.number} at {head_sha[:12]}"
        )
        report = build_report(
            pr,
            analysis,
            files,
            inputs.filter_mode,
            inputs.max_comments,
            inputs.fail_level or "error",
        )
        report.run_url = where.run_url
        report.timings["analysis"] = analysis.seconds
        return self._finish(report, inputs, where, log, api, None, started)

    # -- shared tail -----------------------------------------------------------------------------

    def _finish(
        self,
        report: ActionReport,
        inputs: ActionInputs,
        where: RunEnvironment,
        log: Log,
        api: GitHubAPI | None,
        report_path: Path | None,
        started: float,
    ) -> int:
        verdict = judge(report)
        if api is not None:
            github: list[Publisher] = [
                ReviewPublisher(api, inputs.request_changes),
                SummaryCommentPublisher(api),
            ]
            if inputs.check == "check_run":
                github.append(CheckRunPublisher(api, inputs.check_name))
            elif inputs.check == "status":
                github.append(StatusPublisher(api, inputs.check_name))
            with log.group("posting to the pull request"):
                for publisher in github:
                    try:
                        log.info(
                            f"{publisher.name}: {publisher.publish(report, verdict)}"
                        )
                    except ReadOnlyError as exc:
                        report.read_only = READ_ONLY_MESSAGE.format(reason=exc)
                        log.info(
                            f"{publisher.name}: {exc}; falling back to the job summary and annotations"
                        )
                        break
                    except GitHubError as exc:
                        report.notes.append(
                            f"Posting the {publisher.name} failed: {exc}"
                        )
                        log.info(f"{publisher.name}: {exc}")
        report.timings["publishing"] = (
            time.monotonic() - started - report.timings.get("analysis", 0.0)
        )
        local: list[Publisher] = [
            StepSummaryPublisher(where.step_summary),
            AnnotationPublisher(
                self.stdout, everything=api is None or report.read_only is not None
            ),
        ]
        sarif_path = self._relative(where, inputs.sarif_file)
        if inputs.sarif_file:
            local.append(
                SarifPublisher(
                    str(Path(where.workspace) / inputs.sarif_file), __version__
                )
            )
        if inputs.rdjsonl_file:
            local.append(
                RdjsonlPublisher(str(Path(where.workspace) / inputs.rdjsonl_file))
            )
        for publisher in local:
            log.info(f"{publisher.name}: {publisher.publish(report, verdict)}")
        write_outputs(
            where.output_file,
            {
                "faults_count": len(report.results),
                "conclusion": verdict.conclusion,
                "report_path": self._relative(where, str(report_path))
                if report_path
                else "",
                "sarif_path": sarif_path or "",
            },
        )
        log.info(f"{verdict.conclusion}: {verdict.reason}")
        return verdict.exit_code

    # -- helpers ---------------------------------------------------------------------------------

    def _api(self, inputs: ActionInputs, where: RunEnvironment) -> GitHubAPI:
        if not where.repository:
            raise ContextError(
                "GITHUB_REPOSITORY is not set: run the action from a GitHub workflow"
            )
        factory = self.api_factory or (
            lambda token, repo, url: GitHubAPI(token, repo, url)
        )
        return factory(inputs.github_token, where.repository, where.api_url)

    def _analyzer(self) -> Analyzer:
        if self.analyzer is not None:
            return self.analyzer
        from deepfd_ci.pipeline import (
            diagnose,  # the real analysis: imports TensorFlow lazily
        )

        return diagnose

    def _options(
        self,
        inputs: ActionInputs,
        config: Config,
        where: RunEnvironment,
        output_dir: Path,
        log: Log,
    ) -> tuple[DiagnoseOptions, list[str]]:
        """Precedence: built-in defaults < config globals < action inputs (< per-script config entries)."""
        options = config.with_defaults(
            DiagnoseOptions(log_dir=str(output_dir / "logs"))
        )
        changes: dict[str, object] = {}
        if inputs.epochs is not None:
            changes["epochs"] = inputs.epochs
        if inputs.time_budget is not None:
            changes["time_budget"] = inputs.time_budget
        if inputs.jobs is not None:
            changes["jobs"] = inputs.jobs
        environment = dependencies.prepare(
            where.workspace, inputs.install, str(output_dir / "logs")
        )
        if environment.python:
            changes["python"] = environment.python
            log.info(
                f"repository dependencies installed for the training runs ({environment.python})"
            )
        return dataclasses.replace(options, **changes), [
            environment.note
        ] if environment.note else []

    @staticmethod
    def _relative(where: RunEnvironment, path: str | None) -> str | None:
        """Outputs are workspace-relative: inside a Docker action the absolute path differs from the host's."""
        if not path:
            return None
        try:
            return (
                os.path.relpath(path, where.workspace) if os.path.isabs(path) else path
            )
        except ValueError:
            return path


def _checkout_notes(workspace: str, head_sha: str) -> list[str]:
    """Warn when the checkout is not the PR head (the default merge commit): lines may not match."""
    try:
        done = subprocess.run(
            ["git", "-c", "safe.directory=*", "-C", workspace, "rev-parse", "HEAD"],
            capture_output=True,
            text=True,
            timeout=30,
            check=False,
        )
    except (OSError, subprocess.TimeoutExpired):
        return []
    checked_out = done.stdout.strip()
    if done.returncode != 0 or checked_out == head_sha:
        return []
    return [
        (
            f"The checkout is at {checked_out[:12]}, not the pull request's head {head_sha[:12]}: findings whose "
            "code differs from the diff are kept out of inline comments. Check out "
            "`${{ github.event.pull_request.head.sha }}` with actions/checkout."
        )
    ]


def _verified_pull_request(
    api: GitHubAPI, number: int, head_sha: str
) -> PullRequestRef:
    """Re-derive the PR from the commit and check the artifact's claim against it."""
    candidates = [
        p
        for p in api.pulls_for_commit(head_sha)
        if p.state == "open"
        and p.head_sha == head_sha
        and p.repository == api.repository
    ]
    if not any(p.number == number for p in candidates):
        found = ", ".join(f"#{p.number}" for p in candidates) or "none"
        raise ArtifactError(
            f"the findings name pull request #{number}, but commit {head_sha[:12]} is the head of open pull request(s): {found}"
        )
    pr = api.pull(number)
    if pr.state != "open" or pr.head_sha != head_sha or pr.repository != api.repository:
        raise ArtifactError(
            f"pull request #{number} is not open at commit {head_sha[:12]} in {api.repository}"
        )
    return pr


def _only_changed(analysis: Analysis, files: list[ChangedFile]) -> Analysis:
    """Drop reports on files the PR does not change: a tampered artifact could name any path."""
    changed = {f.path for f in files if f.status != "removed"}
    kept = [r for r in analysis.reports if r.path in changed]
    dropped = len(analysis.reports) - len(kept)
    if dropped:
        analysis.notes.append(
            f"{dropped} report(s) named files this pull request does not change and were ignored."
        )
    analysis.reports = kept
    analysis.base_faults = {
        k: v for k, v in analysis.base_faults.items() if k in changed
    }
    return analysis


def main(env: Mapping[str, str] | None = None) -> int:
    return Action(env=dict(os.environ if env is None else env)).run()
