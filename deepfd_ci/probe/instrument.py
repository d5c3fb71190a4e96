"""Patches that instrument an unmodified training script, and the record they produce.

- `keras.Model.fit` (one class attribute covers `keras`, `tf.keras` and `tensorflow.keras`): caps
  epochs, adds the Monitor callback, reads static facts, and stops the script when fit returns.
- the optimizer's `apply` (every `apply_gradients` goes through it): the gradient tap, also for
  custom training loops.
- `tf.GradientTape.gradient`: the loss of custom training loops (its target).
A wall-clock timer ends training gracefully before the parent's hard budget kills the process.
"""

from __future__ import annotations

import dataclasses
import inspect
import math
import signal
import time
from collections.abc import Callable
from typing import Any

import keras
import numpy as np
import tensorflow as tf
from keras.src.optimizers.base_optimizer import BaseOptimizer

from deepfd_ci.probe import facts as facts_mod
from deepfd_ci.probe.monitor import Monitor, WeightWatch, fill_gradients
from deepfd_ci.probe.tap import GradientTap, LossTap
from deepfd_ci.records import ARRAY_INPUT_KINDS, Check, RunInfo, RunRecord, StaticFacts, to_plain

_SLICE_SECONDS = 1.0  # custom loops: one check per second of training


class ProbeStop(BaseException):
    """Ends the user's script once we have what we need (a BaseException: `except Exception` in
    the user's code does not swallow it)."""

    def __init__(self, reason: str):
        super().__init__(reason)
        self.reason = reason


class ProbeSession:
    def __init__(
        self,
        *,
        path: str,
        epochs: int,
        seed: int,
        deadline: float,
        started: float,
        phase: Callable[[str], None],
        checkpoint: Callable[[dict], None],
    ):
        self.path = path
        self.epochs = max(1, epochs)
        self.seed = seed
        self.deadline = deadline
        self.started = started
        self.phase = phase
        self.checkpoint = checkpoint
        self.facts: StaticFacts | None = None
        self.checks: list[Check] = []
        self.notes: list[str] = []
        self.mode: str | None = None  # "fit" | "custom_loop"
        self.in_fit = False
        self.in_apply = False
        self.stopped_by: str | None = None
        self.gradient_source: str | None = None
        self._taps: dict[int, GradientTap] = {}
        self._main_tap: GradientTap | None = None
        self._loss_tap: LossTap | None = None
        self._loop_weights = WeightWatch()
        self._loop_variables: list[Any] = []
        self._loop_slice_started = 0.0
        self._fit_model: Any = None
        self._originals: dict[str, Any] = {}

    # ---------------------------------------------------------------- install / uninstall
    def install(self) -> None:
        try:
            tf.config.threading.set_intra_op_parallelism_threads(1)
            tf.config.threading.set_inter_op_parallelism_threads(1)
        except RuntimeError:
            pass  # already initialised; the environment variables pinned it anyway
        keras.utils.set_random_seed(self.seed)
        self._loss_tap = LossTap()
        self._originals = {
            "fit": keras.Model.fit,
            "apply": BaseOptimizer.apply,
            "gradient": tf.GradientTape.gradient,
        }
        session = self
        original_fit = self._originals["fit"]
        fit_signature = inspect.signature(original_fit)

        def fit(model: Any, *args: Any, **kwargs: Any) -> Any:
            if session.in_fit or session.mode is not None:
                return original_fit(model, *args, **kwargs)
            bound = fit_signature.bind(model, *args, **kwargs)
            bound.apply_defaults()
            arguments = bound.arguments
            session._begin_fit(model, arguments)
            session.in_fit = True
            try:
                original_fit(**arguments)
            finally:
                session.in_fit = False
            raise ProbeStop(session.stopped_by or "fit_returned")

        original_apply = self._originals["apply"]

        def apply(optimizer: Any, grads: Any, trainable_variables: Any = None) -> Any:
            if session.in_apply:  # wrappers such as LossScaleOptimizer call the inner apply
                return original_apply(optimizer, grads, trainable_variables)
            session.in_apply = True
            try:
                session._tap_gradients(optimizer, list(grads), trainable_variables)
                return original_apply(optimizer, grads, trainable_variables)
            finally:
                session.in_apply = False

        original_gradient = self._originals["gradient"]

        def gradient(tape: Any, target: Any, sources: Any, *args: Any, **kwargs: Any) -> Any:
            if not session.in_fit and session._loss_tap is not None:
                try:
                    session._loss_tap.record(tf.nest.flatten(target)[0])
                except Exception:
                    pass
            return original_gradient(tape, target, sources, *args, **kwargs)

        keras.Model.fit = fit
        BaseOptimizer.apply = apply
        tf.GradientTape.gradient = gradient
        signal.signal(signal.SIGALRM, self._on_alarm)
        remaining = self.deadline - time.monotonic()
        signal.setitimer(signal.ITIMER_REAL, max(remaining, 0.01))

    def uninstall(self) -> None:
        signal.setitimer(signal.ITIMER_REAL, 0)
        if self._originals:
            keras.Model.fit = self._originals["fit"]
            BaseOptimizer.apply = self._originals["apply"]
            tf.GradientTape.gradient = self._originals["gradient"]
        if self.mode == "custom_loop":
            with tf.init_scope():
                self._loop_check()  # the steps since the last slice

    @property
    def trained(self) -> bool:
        return any(c.epoch > 0 for c in self.checks) or self.mode is not None

    # ---------------------------------------------------------------- timer
    def _on_alarm(self, signum: int, frame: Any) -> None:
        now = time.monotonic()
        if now >= self.deadline:
            self.stopped_by = "time_budget"
            if self.in_fit and self._fit_model is not None:
                self._fit_model.stop_training = True
                return
            if self.mode == "custom_loop":
                raise ProbeStop("time_budget")
            return  # still before training: the parent's hard budget decides
        if self.mode == "custom_loop":
            # The signal may arrive while a tf.function is being traced: read the taps eagerly,
            # and never let our own failure surface inside the user's code.
            try:
                with tf.init_scope():
                    self._loop_check()
            except Exception as exc:
                self.notes.append(f"custom-loop check failed: {type(exc).__name__}: {exc}")
            if len(self.checks) > self.epochs:
                raise ProbeStop("epoch_cap")

    # ---------------------------------------------------------------- fit
    def _begin_fit(self, model: Any, arguments: dict[str, Any]) -> None:
        self.mode = "fit"
        self._fit_model = model
        self.phase("training (fit)")
        requested = arguments.get("epochs")
        initial = int(arguments.get("initial_epoch") or 0)
        facts = StaticFacts(training_api="fit", epochs_requested=requested)
        sample = val_sample = None
        try:
            sample, val_sample = self._read_facts(model, arguments, facts)
        except Exception as exc:
            self.notes.append(f"reading facts failed: {type(exc).__name__}: {exc}")
        self.facts = facts
        if isinstance(requested, int):
            arguments["epochs"] = min(requested, initial + self.epochs)
        arguments["verbose"] = 0  # no progress bar: it forces a host sync on every batch
        callbacks = list(arguments.get("callbacks") or [])
        callbacks.append(
            Monitor(
                sample=sample,
                val_sample=val_sample,
                task=facts.task,
                from_logits=facts.from_logits,
                gradient_tap=lambda: self._main_tap,
                loss_tap=self._loss_tap,
                sink=self._add_check,
                note=self.notes.append,
            )
        )
        arguments["callbacks"] = callbacks
        self._wrap_train_step(model)

    def _wrap_train_step(self, model: Any) -> None:
        original_step = model.train_step
        loss_tap = self._loss_tap

        def train_step(data: Any) -> Any:
            logs = original_step(data)
            if isinstance(logs, dict) and "loss" in logs:
                loss_tap.record(logs["loss"])
            return logs

        try:
            model.train_step = train_step
            model.train_function = None
        except Exception as exc:
            self.notes.append(f"running-loss tap unavailable: {exc}")

    def _read_facts(self, model: Any, a: dict[str, Any], facts: StaticFacts) -> tuple[Any, Any]:
        x, y = a.get("x"), a.get("y")
        kind = facts_mod.input_kind(x)
        facts.input_kind = kind
        facts.batch_size = a.get("batch_size")
        facts.steps_per_epoch = a.get("steps_per_epoch")
        split = float(a.get("validation_split") or 0.0)
        validation = a.get("validation_data")
        facts.has_validation = validation is not None or split > 0
        facts.__dict__.update(facts_mod.describe_optimizer(getattr(model, "optimizer", None)))
        facts.loss, facts.from_logits = facts_mod.describe_loss(getattr(model, "loss", None))
        facts.metrics = _compiled_metrics(model)
        facts.model_kind = facts_mod.model_kind(model)
        try:
            facts.n_outputs = len(model.outputs)
        except Exception:
            facts.n_outputs = 1

        train_x, train_y, val_x, val_y = x, y, None, None
        if kind in ARRAY_INPUT_KINDS:
            train_x, train_y = facts_mod.to_numpy(x), facts_mod.to_numpy(y)
            rows = facts_mod.n_rows(train_x) or 0
            if split > 0 and validation is None:
                cut = int(math.floor(rows * (1.0 - split)))
                val_x, val_y = facts_mod.slice_rows(train_x, cut, rows), facts_mod.slice_rows(train_y, cut, rows)
                train_x, train_y = facts_mod.slice_rows(train_x, 0, cut), facts_mod.slice_rows(train_y, 0, cut)
            facts.n_samples = facts_mod.n_rows(train_x)
            facts.x, facts.y = facts_mod.array_stats(train_x), facts_mod.array_stats(train_y)
        sample = facts_mod.sample_from(train_x, train_y, kind)
        if kind not in ARRAY_INPUT_KINDS and sample is not None:
            facts.x, facts.y = facts_mod.array_stats(sample.x), facts_mod.array_stats(sample.y)
        if validation is not None:
            val_kind = facts_mod.input_kind(validation)
            if val_kind == "numpy" and isinstance(validation, (tuple, list)):
                val_x, val_y = validation[0], validation[1] if len(validation) > 1 else None
                val_kind = facts_mod.input_kind(val_x)
            else:
                val_x, val_y = validation, None
            val_sample = facts_mod.sample_from(val_x, val_y, val_kind)
        else:
            val_sample = facts_mod.sample_from(val_x, val_y, "numpy") if val_x is not None else None

        # The model is built by now only if it had an Input; build it on the sample otherwise.
        if not model.built and sample is not None:
            try:
                model(sample.x[:1] if hasattr(sample.x, "shape") else sample.x, training=False)
            except Exception:
                pass
        facts.layers = facts_mod.describe_layers(model)
        facts.last_activation = facts_mod.last_activation(model, facts.layers)
        facts.output_units = facts_mod.output_units(model)
        if facts.output_units is None and sample is not None:
            try:
                pred = facts_mod.first_array(model(sample.x, training=False))
                facts.output_units = int(pred.shape[-1]) if pred.ndim > 1 else 1
            except Exception:
                pass
        facts.task, facts.n_classes, facts.labels_one_hot = facts_mod.infer_task(facts.y, facts.output_units)
        return sample, val_sample

    def _add_check(self, check: Check) -> None:
        self.checks.append(check)
        self.phase(f"training (fit), epoch {check.epoch} done")
        try:
            self.checkpoint(self._record_dict("ok", None, None, "partial", time.monotonic() - self.started))
        except Exception:
            pass

    # ---------------------------------------------------------------- gradients
    def _tap_gradients(self, optimizer: Any, grads: list[Any], variables: Any) -> None:
        try:
            variables = list(variables) if variables is not None else list(optimizer._trainable_variables)
            tap = self._taps.get(id(optimizer))
            if tap is None or not tap.matches(variables):
                tap = GradientTap(variables)
                self._taps[id(optimizer)] = tap
            if self._main_tap is None:
                self._main_tap = tap
                self.gradient_source = "optimizer_tap"
            if tap is self._main_tap:
                tap.record(grads)
            if not self.in_fit and self.mode is None:
                self._begin_custom_loop(optimizer, variables)
        except ProbeStop:
            raise
        except Exception as exc:
            self.notes.append(f"gradient tap failed: {type(exc).__name__}: {exc}")

    # ---------------------------------------------------------------- custom loops
    def _begin_custom_loop(self, optimizer: Any, variables: list[Any]) -> None:
        self.mode = "custom_loop"
        self.phase("training (custom loop)")
        facts = StaticFacts(training_api="custom_loop")
        facts.__dict__.update(facts_mod.describe_optimizer(optimizer))
        self.facts = facts
        self._loop_variables = variables
        self._loop_slice_started = time.monotonic()
        interval = _SLICE_SECONDS
        signal.setitimer(signal.ITIMER_REAL, interval, interval)
        initial = Check(epoch=0)
        with tf.init_scope():  # the first step may be running inside a tf.function trace
            self._loop_weights.measure(variables, initial)
        self.checks.append(initial)

    def _loop_check(self) -> None:
        if self._main_tap is None:
            return
        snap = self._main_tap.snapshot_and_reset()
        if snap is None:
            return
        check = Check(epoch=len(self.checks))
        fill_gradients(check, snap)
        running = self._loss_tap.snapshot_and_reset() if self._loss_tap else None
        if running:
            check.loss = running["mean"]
            check.batch_loss_first, check.batch_loss_max, check.batch_loss_min = (
                running["first"], running["max"], running["min"])
        self._loop_weights.measure(self._loop_variables, check)
        now = time.monotonic()
        check.seconds = now - self._loop_slice_started
        self._loop_slice_started = now
        self._add_check(check)
        if time.monotonic() >= self.deadline:
            self.stopped_by = "time_budget"

    # ---------------------------------------------------------------- record
    def record(self, *, status: str, error: str | None, error_line: int | None,
               stopped_by: str, seconds: float) -> dict:
        if status == "ok" and not self.trained:
            status = "no_training"
            error = ("the script exited before training" if stopped_by == "sys_exit"
                     else "the script finished without calling fit() or applying gradients")
        return self._record_dict(status, error, error_line, stopped_by, seconds)

    def _record_dict(self, status: str, error: str | None, error_line: int | None,
                     stopped_by: str, seconds: float) -> dict:
        epochs_run = sum(1 for c in self.checks if c.epoch > 0)
        record = RunRecord(
            path=self.path,
            status=status,  # type: ignore[arg-type]
            error=error,
            error_line=error_line,
            facts=self.facts,
            checks=self.checks,
            run=RunInfo(
                epochs_requested=self.facts.epochs_requested if self.facts else None,
                epochs_run=epochs_run,
                seconds=round(seconds, 3),
                seed=self.seed,
                stopped_by=self.stopped_by or stopped_by,
                gradient_source=self.gradient_source,
            ),
        )
        record.nonfinite_fields = nonfinite_fields(record)
        data = to_plain(record)
        data["notes"] = list(self.notes)
        return data


def nonfinite_fields(obj: Any, prefix: str = "") -> list[str]:
    """Dotted paths of every NaN/Inf float in a record (they become null in strict JSON)."""
    found: list[str] = []
    if dataclasses.is_dataclass(obj):
        for f in dataclasses.fields(obj):
            found += nonfinite_fields(getattr(obj, f.name), f"{prefix}{f.name}.")
    elif isinstance(obj, (list, tuple)):
        for i, item in enumerate(obj):
            found += nonfinite_fields(item, f"{prefix[:-1]}[{i}].")
    elif isinstance(obj, (float, np.floating)) and not math.isfinite(float(obj)):
        found.append(prefix[:-1])
    return found


def _compiled_metrics(model: Any) -> list[str]:
    try:
        metrics = (model.get_compile_config() or {}).get("metrics") or []
    except Exception:
        return []
    names = []
    for metric in tf.nest.flatten(metrics):
        if isinstance(metric, dict):
            metric = metric.get("config", {}).get("name") or metric.get("class_name")
        names.append(str(metric))
    return names
