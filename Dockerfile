# The deepfd-ci GitHub Action: TensorFlow (CPU) and deepfd-ci on a slim Python.
# No USER and no WORKDIR: GitHub runs Docker actions as the runner's user in /github/workspace.
FROM python:3.11.11-slim-bookworm

ENV PYTHONDONTWRITEBYTECODE=1 \
    PYTHONUNBUFFERED=1 \
    PIP_NO_CACHE_DIR=1 \
    PIP_DISABLE_PIP_VERSION_CHECK=1 \
    TF_CPP_MIN_LOG_LEVEL=2 \
    TF_ENABLE_ONEDNN_OPTS=0

# git: base_compare checks the base commit out in a worktree. The distribution's current git is
# wanted (security fixes), so its version is not pinned.
# hadolint ignore=DL3008
RUN apt-get update \
    && apt-get install -y --no-install-recommends git \
    && rm -rf /var/lib/apt/lists/*

COPY pyproject.toml README.md /opt/deepfd-ci/
COPY deepfd_ci /opt/deepfd-ci/deepfd_ci
RUN pip install /opt/deepfd-ci && rm -rf /opt/deepfd-ci

COPY action/main.py /action/main.py
ENTRYPOINT ["python", "/action/main.py"]
