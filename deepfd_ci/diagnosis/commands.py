"""`deepfd-ci model train` and `deepfd-ci model evaluate`."""

from __future__ import annotations

import argparse
import json
import sys
from pathlib import Path
from typing import Any

import numpy as np

from deepfd_ci import features
from deepfd_ci.corpus.audit import BROKEN_MARGIN, BROKEN_SDS, audit_labels, broken_runs
from deepfd_ci.corpus.dataset import Dataset, read_dataset
from deepfd_ci.corpus.build import records_path
from deepfd_ci.corpus.store import features_at_epochs
from deepfd_ci.diagnosis import training
from deepfd_ci.diagnosis.model import (DETECTOR_FLAG_RATE, MAX_ANY_FALSE_ALARM, MAX_FALSE_ALARM, ModelError,
                                       bundled_path, card_of)
from deepfd_ci.records import FAULT_TYPES

DEFAULT_DATASET = Path("deepfd_ci/artifacts/dataset/runs.csv.gz")
# A smaller build recorded for 10 epochs: how scores change with the epochs the probe observes.
DEFAULT_EPOCHS_DATASET = Path("deepfd_ci/artifacts/epochs-study/runs.csv.gz")
DEFAULT_CARD = Path("deepfd_ci/artifacts/MODEL_CARD.md")


def register(subparsers: argparse._SubParsersAction) -> None:
    parser = subparsers.add_parser("model", help="train or evaluate the diagnosis model")
    sub = parser.add_subparsers(dest="model_command", required=True, metavar="ACTION")

    train = sub.add_parser("train", help="compare classifiers by grouped cross-validation and train the winner",
                           description="Reproduces the bundled model from the committed dataset.")
    train.add_argument("--dataset", type=Path, default=DEFAULT_DATASET)
    train.add_argument("--epochs-dataset", type=Path, default=DEFAULT_EPOCHS_DATASET,
                       help="a build recorded for 10 epochs, for the epochs-observed study (skipped if missing)")
    train.add_argument("--out", type=Path, default=bundled_path())
    train.add_argument("--card", type=Path, default=DEFAULT_CARD)
    train.add_argument("--candidates", default=",".join(training.CANDIDATES),
                       help="comma-separated candidates to compare (default: all)")
    train.add_argument("--folds", type=int, default=5)
    train.add_argument("--max-false-alarm", type=float, default=MAX_FALSE_ALARM,
                       help=f"per-label share of healthy runs a threshold may fire on (default {MAX_FALSE_ALARM})")
    train.add_argument("--max-any-false-alarm", type=float, default=MAX_ANY_FALSE_ALARM,
                       help="share of healthy runs on which any fault type may fire "
                            f"(default {MAX_ANY_FALSE_ALARM})")
    train.add_argument("--detector-flag-rate", type=float, default=DETECTOR_FLAG_RATE,
                       help="two-stage models: share of healthy inner out-of-fold runs the fault detector may "
                            f"flag (default {DETECTOR_FLAG_RATE})")
    train.add_argument("--skip-studies", action="store_true", help="skip the epochs/runs studies")
    train.set_defaults(handler=_train)

    evaluate = sub.add_parser("evaluate", help="print the model card's report, or re-run the cross-validation")
    evaluate.add_argument("--model", type=Path, default=bundled_path())
    evaluate.add_argument("--dataset", type=Path, default=None,
                          help="re-run the grouped cross-validation of the shipped setup on this dataset")
    evaluate.add_argument("--format", choices=("text", "json"), default="text")
    evaluate.set_defaults(handler=_evaluate)


def _cross_validate(data: Dataset, candidate: training.Candidate, folds: int, thresholds: dict[str, float],
                    X: np.ndarray | None = None) -> training.Scores:
    """Grouped cross-validation scored on the first K runs of every program; the confirmation runs
    only train (see Dataset.confirmation). `X` replaces the dataset's features (same rows)."""
    X = data.X if X is None else X
    confirmation = data.confirmation
    first, more = data.subset(~confirmation), data.subset(confirmation)  # the mask indexes X below too
    programs = np.array([r.program_id for r in first.rows])
    originals = np.array([r.kind == "original" for r in first.rows])
    train_only = (X[confirmation], more.Y, more.groups) if more.rows else None
    scores, _ = training.cross_validate(X[~confirmation], first.Y, first.groups, programs, originals, candidate,
                                        n_splits=folds, broken=broken_runs(first.rows), train_only=train_only,
                                        **thresholds)
    return scores


def _check_dataset(data: Dataset) -> None:
    if data.features_schema != features.SCHEMA_VERSION or list(data.feature_names) != list(features.FEATURE_NAMES):
        raise ModelError(f"the dataset's {len(data.feature_names)} features (schema {data.features_schema}) are not "
                         f"the {len(features.FEATURE_NAMES)} this probe computes (schema {features.SCHEMA_VERSION}): "
                         "recompute them with `deepfd-ci corpus build` (it reuses the recorded runs)")


def _usable_dataset(path: Path) -> Dataset | None:
    """The dataset at `path` if this probe's features can be read from it; else None, said on stderr."""
    try:
        data = read_dataset(path)
        _check_dataset(data)
    except (OSError, ValueError, ModelError) as exc:
        print(f"deepfd-ci: cannot use the dataset: {exc}", file=sys.stderr)
        return None
    return data


def _train(args: argparse.Namespace) -> int:
    data = _usable_dataset(args.dataset)
    if data is None:
        return 2
    names = [n.strip() for n in args.candidates.split(",") if n.strip()]
    unknown = [n for n in names if n not in training.CANDIDATES]
    if unknown:
        print(f"deepfd-ci: unknown candidates {unknown}; choose from {list(training.CANDIDATES)}", file=sys.stderr)
        return 2
    comparison = []
    for name in names:
        scores = _cross_validate(data, training.CANDIDATES[name], args.folds, _thresholds(args))
        comparison.append(scores)
        print(f"{name:16} macro-F1 {scores.macro_f1():.3f}  false alarms {scores.false_alarm_runs:.1%} "
              f"({scores.seconds:.0f} s)", file=sys.stderr)
    winner = training.choose_winner(comparison)
    if winner is None:
        print("deepfd-ci: no calibrated candidate among --candidates; DeepFD's union is only a baseline",
              file=sys.stderr)
        return 2
    passed_over = training.passed_over(comparison, winner)
    for other in passed_over:
        print(f"deepfd-ci: warning: shipping {winner.candidate} (macro-F1 {winner.macro_f1():.3f}, false alarms "
              f"{winner.false_alarm_runs:.1%}) over {other.candidate} (macro-F1 {other.macro_f1():.3f}): "
              f"{other.false_alarm_runs:.1%} false alarms are above the {training.FALSE_ALARM_TARGET:.0%} target",
              file=sys.stderr)
    candidate = training.CANDIDATES[winner.candidate]
    studies = {} if args.skip_studies else _studies(data, args, candidate)
    model = training.build_model(candidate, **_thresholds(args))
    model.version = f"{data.meta.get('built', 'dataset')}-{winner.candidate}"
    model.fit(data.X, data.Y, data.groups)  # every row, the confirmation runs too
    card = _card(data, args, winner, comparison, passed_over, studies, model.thresholds(), model.detector_threshold)
    model.save(args.out, card)
    args.card.parent.mkdir(parents=True, exist_ok=True)
    args.card.write_text(render_card(card), encoding="utf-8")
    print(f"wrote {args.out} and {args.card}", file=sys.stderr)
    return 0


def _thresholds(args: argparse.Namespace) -> dict[str, float]:
    """The threshold settings `model train` was given, as build_model and cross_validate take them."""
    return {"max_false_alarm": args.max_false_alarm, "max_any_false_alarm": args.max_any_false_alarm,
            "detector_flag_rate": args.detector_flag_rate}


def _studies(data: Dataset, args: argparse.Namespace, candidate: training.Candidate) -> dict[str, Any]:
    """How scores change with epochs observed (1, 3, 5, 10) and with 1 vs 3 runs per program."""
    studies: dict[str, Any] = {"epochs": {}, "runs": {}}
    if args.epochs_dataset.exists():
        long_runs = read_dataset(args.epochs_dataset)
        studies["epochs_dataset"] = {"path": str(args.epochs_dataset), "rows": len(long_runs.rows),
                                     "seed_programs": len(set(long_runs.groups)),
                                     "recorded_epochs": (long_runs.meta.get("probe") or {}).get("recorded_epochs")}
        for epochs in (1, 3, 5, 10):
            X = features_at_epochs(records_path(args.epochs_dataset), long_runs, epochs)
            scores = _cross_validate(long_runs, candidate, args.folds, _thresholds(args), X)
            studies["epochs"][epochs] = _brief(scores)
            print(f"epochs={epochs:<3} macro-F1 {scores.macro_f1():.3f}", file=sys.stderr)
    # Scored on run seeds 0-2 of every program; the confirmation runs train, as in the shipped model.
    three = data.subset(np.array([r.run_seed < 3 for r in data.rows]) | data.confirmation)
    scores = _cross_validate(three, candidate, args.folds, _thresholds(args))
    scored, more = three.split_confirmation()
    studies["runs_data"] = {"scored_runs": len(scored.rows), "programs": len({r.program_id for r in scored.rows}),
                            "confirmation_runs": len(more.rows)}
    studies["runs"] = {
        "1": {"macro_f1": round(scores.macro_f1(), 3), "false_alarms": scores.false_alarm_runs},
        "3": {"macro_f1": round(float(np.mean([v["f1"] for v in scores.extra["per_label_programs"].values()
                                                if v["support"]])), 3),
              "false_alarms": scores.false_alarm_programs},
    }
    return studies


def _brief(scores: training.Scores) -> dict[str, Any]:
    return {"macro_f1": round(scores.macro_f1(), 3), "false_alarms": scores.false_alarm_runs,
            "f1": {k: v["f1"] for k, v in scores.per_label.items()}}


def _card(data: Dataset, args: argparse.Namespace, winner: training.Scores, comparison: list[training.Scores],
          passed_over: list[training.Scores], studies: dict[str, Any], thresholds: dict[str, float],
          detector: float | None = None) -> dict[str, Any]:
    data, confirmation = data.split_confirmation()  # from here on: the rows the scores are measured on
    kinds = [r.kind for r in data.rows]
    return {
        "model": winner.candidate,
        "description": training.CANDIDATES[winner.candidate].description,
        "features_schema": features.SCHEMA_VERSION,
        "n_features": len(features.FEATURE_NAMES),
        "dataset": {
            "path": str(args.dataset),
            "meta": {k: data.meta.get(k) for k in ("seeds", "mutants", "mutants_killed", "mutants_unkilled",
                                                    "mutants_dropped", "runs_per_program")},
            "rows": len(data.rows),
            "programs": len({r.program_id for r in data.rows}),
            "seed_programs": len(set(data.groups)),
            "original_runs": kinds.count("original"),
            "mutant_runs": kinds.count("mutant"),
            "healthy_runs": int((data.Y.sum(axis=1) == 0).sum()),
            "label_runs": {t: int(data.Y[:, j].sum()) for j, t in enumerate(FAULT_TYPES)},
            "probe": data.meta.get("probe"),
            "kill_test": data.meta.get("kill_test"),
            "label_audit": audit_labels(data.rows).to_dict(),
            "confirmation_runs": len(confirmation.rows),
            "confirmation_healthy_runs": int((confirmation.Y.sum(axis=1) == 0).sum()),
        },
        "cross_validation": f"GroupKFold({args.folds}) by seed program; thresholds tuned inside each training fold "
                            f"(per label <= {args.max_false_alarm:.1%} of healthy runs, any label <= "
                            f"{args.max_any_false_alarm:.0%}; a two-stage detector flags <= "
                            f"{args.detector_flag_rate * 100:g}% of healthy inner out-of-fold runs)",
        "folds": args.folds,
        "false_alarm_caps": {"per_label": args.max_false_alarm, "any_label": args.max_any_false_alarm,
                             "detector_flag_rate": args.detector_flag_rate},
        **_score_fields(winner),
        "thresholds": {k: round(v, 3) for k, v in thresholds.items()},
        "detector_threshold": None if detector is None else round(detector, 3),
        "comparison": [
            {"candidate": s.candidate, "description": training.CANDIDATES[s.candidate].description,
             "macro_f1": round(s.macro_f1(), 3), "macro_f1_deepfd_labels": round(s.macro_f1(training.DEEPFD_FAULT_TYPES), 3),
             "false_alarm_runs": s.false_alarm_runs, "f1": {k: v["f1"] for k, v in s.per_label.items()},
             "seconds": s.seconds}
            for s in comparison
        ],
        "passed_over": [{"candidate": s.candidate, "macro_f1": round(s.macro_f1(), 3),
                         "false_alarm_runs": s.false_alarm_runs} for s in passed_over],
        "studies": studies,
    }


def _score_fields(scores: training.Scores) -> dict[str, Any]:
    """The card's cross-validated scores: one list for `model train` and `model evaluate --dataset`."""
    return {
        "per_label": scores.per_label,
        "per_label_programs": scores.extra["per_label_programs"],
        "false_alarm_runs": scores.false_alarm_runs,
        "false_alarm_originals": scores.false_alarm_originals,
        "false_alarm_programs": scores.false_alarm_programs,
        "false_alarm_broken_runs": scores.false_alarm_broken_runs,
        "false_alarm_normal_runs": scores.false_alarm_normal_runs,
        "recall_by_visibility": scores.recall_by_visibility,
        "targets_met": training.meets_targets(scores),
    }


def _confirmation_text(dataset: dict[str, Any]) -> str:
    """The kill test's confirmation runs the model also trained on (older cards lack the field)."""
    if not dataset.get("confirmation_runs"):
        return ""
    return (f"; the model also trains on the kill test's {dataset['confirmation_runs']} confirmation runs "
            f"({dataset['confirmation_healthy_runs']} healthy), which are not scored: only the programs the "
            "first runs left undecided have them")


def _label_audit_lines(card: dict[str, Any]) -> list[str]:
    """What the kill test's labels force on any classifier of single runs (cards before it lack this)."""
    audit = card["dataset"].get("label_audit")
    if not audit or card.get("false_alarm_broken_runs") is None:
        return []
    return [
        "",
        f"Labels against the runs (`deepfd-ci corpus audit`): {audit['broken_healthy_runs']} of the "
        f"{audit['healthy_runs']} healthy runs ({audit['false_alarm_floor']:.1%}) are broken runs of mutants the kill "
        f"test did not kill (score far below the original's runs); a model that recognises broken training flags "
        f"them. False alarms on them: {card['false_alarm_broken_runs']:.1%}; on the other healthy runs: "
        f"**{card['false_alarm_normal_runs']:.1%}**. {audit['intact_faulty_runs']} of the {audit['faulty_runs']} "
        "fault-labelled runs trained as well as their original.",
    ]


def _visibility_lines(card: dict[str, Any]) -> list[str]:
    """Recall on each kind of fault-labelled run (training.recall_by_visibility; older cards lack it)."""
    table = card.get("recall_by_visibility")
    if not table:
        return []
    lines = [
        "",
        "## Where the misses are",
        "",
        "Recall (runs) on three kinds of fault-labelled runs. A run is far below its original when its "
        f"score is more than {BROKEN_SDS:g} standard deviations + {BROKEN_MARGIN:g} below the mean of its "
        "unmodified seed program's runs (`deepfd-ci corpus audit`). The kill test labels a program from its K "
        "runs, so a fault that costs a few points on every seed is labelled although each of its runs looks "
        "like a healthy one; in a multi-fault program one fault can hide behind another.",
        "",
        "| fault type | " + " | ".join(training.VISIBILITY.values()) + " |",
        "| --- | " + " | ".join("---" for _ in training.VISIBILITY) + " |",
    ]
    for label, kinds in table.items():
        cells = [f"{v['recall']:.2f} ({v['support']})" if v["recall"] is not None else "- (0)"
                 for v in (kinds[kind] for kind in training.VISIBILITY)]
        lines.append(f"| {label} | " + " | ".join(cells) + " |")
    return lines


def _decision_text(card: dict[str, Any]) -> str:
    if card.get("detector_threshold") is not None:
        return ("a fault detector and one classifier per fault type trained on the faulty runs, isotonic "
                "calibration on grouped out-of-fold predictions; the detector's threshold caps healthy runs "
                "with any fault, then each type is reported at its best-F1 threshold of P(type | fault).")
    return ("one classifier per fault type, isotonic calibration and a per-label threshold tuned on grouped "
            "out-of-fold predictions (best F1 within a false-alarm cap per label, then raised together to cap "
            "healthy runs with any fault).")


def render_card(card: dict[str, Any]) -> str:
    d = card["dataset"]
    lines = [
        "# Model card: deepfd-ci diagnosis model",
        "",
        f"Generated by `deepfd-ci model train` from `{d['path']}`. Do not edit by hand.",
        "",
        f"- **Model**: `{card['model']}` ({card['description']}), {_decision_text(card)}",
        *(f"- **Not shipped although it scored higher**: `{c['candidate']}` (macro F1 {c['macro_f1']:.3f}): "
          f"{c['false_alarm_runs']:.1%} false alarms, above the {training.FALSE_ALARM_TARGET:.0%} target."
          for c in card.get("passed_over") or []),
        f"- **Features**: schema `{card['features_schema']}`, {card['n_features']} features "
        "(DeepFD's 148 + our runtime columns + static configuration facts).",
        f"- **Data**: {d['rows']} probe runs of {d['programs']} programs from {d['seed_programs']} seed programs "
        f"({d['original_runs']} runs of unmodified seeds, {d['mutant_runs']} of mutants; {d['healthy_runs']} healthy runs)"
        + _confirmation_text(d) + ".",
        f"- **Probe**: {d.get('probe')}",
        f"- **Labels**: DeepCrime kill test {d.get('kill_test')}",
        f"- **Evaluation**: {card['cross_validation']}.",
        "",
        "## Per-label scores (one run per diagnosis)",
        "",
        "| fault type | precision | recall | F1 | support (runs) | F1, 3 runs averaged (programs) | target | met |",
        "| --- | --- | --- | --- | --- | --- | --- | --- |",
    ]
    for label, v in card["per_label"].items():
        target = 0.85 if label in training.DEEPFD_FAULT_TYPES else 0.75
        met = card["targets_met"].get(f"f1_{label}")
        prog = card["per_label_programs"][label]["f1"]
        lines.append(f"| {label} | {v['precision']:.3f} | {v['recall']:.3f} | {v['f1']:.3f} | {v['support']} | "
                     f"{prog:.3f} | {target} | {'yes' if met else ('n/a' if met is None else 'no')} |")
    lines += [
        "",
        f"False alarms (any fault reported) on healthy runs: **{card['false_alarm_runs']:.1%}** "
        f"(unmodified seed programs: {card['false_alarm_originals']:.1%}; healthy programs with 3 runs averaged: "
        f"{card['false_alarm_programs']:.1%}). Target: <= {training.FALSE_ALARM_TARGET:.0%}.",
        *_label_audit_lines(card),
        "",
        "Thresholds: " + ("" if card.get("detector_threshold") is None else
                          f"fault detector {card['detector_threshold']}; ")
        + ", ".join(f"{k} {v}" for k, v in card["thresholds"].items()),
        *_visibility_lines(card),
        "",
        "## Comparison (same folds)",
        "",
        "| candidate | macro F1 (9 labels) | macro F1 (DeepFD's 5) | false alarms | " + " | ".join(FAULT_TYPES) + " |",
        "| --- | --- | --- | --- | " + " | ".join("---" for _ in FAULT_TYPES) + " |",
    ]
    for c in card["comparison"]:
        lines.append(f"| {c['candidate']}: {c['description']} | {c['macro_f1']:.3f} | {c['macro_f1_deepfd_labels']:.3f} | "
                     f"{c['false_alarm_runs']:.1%} | " + " | ".join(f"{c['f1'][t]:.2f}" for t in FAULT_TYPES) + " |")
    studies = card.get("studies") or {}
    if studies.get("epochs"):
        lines += ["", "## Epochs observed", ""]
        if studies.get("epochs_dataset"):
            d = studies["epochs_dataset"]
            recorded = f" recorded for {d['recorded_epochs']} epochs" if d.get("recorded_epochs") else ""
            lines += [f"On the epochs study's own data (`{d['path']}`: {d['rows']} runs{recorded} of "
                      f"{d['seed_programs']} seed programs), cross-validated the same way: compare the rows with "
                      "each other, not with the scores above.", ""]
        lines += ["| epochs | macro F1 | false alarms |", "| --- | --- | --- |"]
        for epochs, v in studies["epochs"].items():
            lines.append(f"| {epochs} | {v['macro_f1']:.3f} | {v['false_alarms']:.1%} |")
    if studies.get("runs"):
        lines += ["", "## Runs per diagnosis", ""]
        if studies.get("runs_data"):
            d = studies["runs_data"]
            lines += [f"Scored on run seeds 0-2 of every program ({d['scored_runs']} runs of {d['programs']} programs; "
                      f"the {d['confirmation_runs']} confirmation runs train, as above): 1 = each run diagnosed "
                      "alone, 3 = a program's three runs' probabilities averaged.", ""]
        lines += ["| runs | macro F1 | false alarms |", "| --- | --- | --- |"]
        for runs, v in studies["runs"].items():
            lines.append(f"| {runs} | {v['macro_f1']:.3f} | {v['false_alarms']:.1%} |")
    return "\n".join(lines) + "\n"


def _evaluate(args: argparse.Namespace) -> int:
    try:
        card = card_of(args.model)
    except ModelError as exc:
        print(f"deepfd-ci: {exc}", file=sys.stderr)
        return 2
    if args.dataset is not None:
        data = _usable_dataset(args.dataset)
        if data is None:
            return 2
        # The setup the model was trained with (older cards lack it: the defaults).
        caps = card.get("false_alarm_caps") or {}
        thresholds = {"max_false_alarm": caps.get("per_label", MAX_FALSE_ALARM),
                      "max_any_false_alarm": caps.get("any_label", MAX_ANY_FALSE_ALARM),
                      # Cards from before this setting: the detector used the any-label cap.
                      "detector_flag_rate": caps.get("detector_flag_rate", caps.get("any_label", MAX_ANY_FALSE_ALARM))}
        scores = _cross_validate(data, training.CANDIDATES[card["model"]], int(card.get("folds", 5)), thresholds)
        audit = audit_labels(data.split_confirmation()[0].rows).to_dict()  # of the scored runs
        card = {**card, **_score_fields(scores), "dataset": {**card["dataset"], "label_audit": audit}}
    print(json.dumps(card, indent=2) if args.format == "json" else render_card(card))
    return 0
