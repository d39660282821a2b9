# The bot's image: `python -m bot`, in the mode BOT_MODE names (see docker-compose.yml).
# Two stages: the first installs the dependencies into a virtual environment, the second
# copies that environment and the source into a slim image that runs as a non-root user.

FROM python:3.11-slim AS build
ENV PIP_NO_CACHE_DIR=1 PIP_DISABLE_PIP_VERSION_CHECK=1
RUN python -m venv /venv
WORKDIR /src
COPY pyproject.toml ./
# Only the dependencies are installed: the package itself runs from /app, next to the
# alembic/ and knowledge/ folders it reads, exactly as it does in a checkout.
RUN python -c "import tomllib; print('\n'.join(tomllib.load(open('pyproject.toml', 'rb'))['project']['dependencies']))" > requirements.txt \
    && /venv/bin/pip install -r requirements.txt

FROM python:3.11-slim
RUN useradd --system --uid 10001 --no-create-home --shell /usr/sbin/nologin numbfeet
COPY --from=build /venv /venv
WORKDIR /app
COPY alembic.ini ./
COPY alembic ./alembic
COPY knowledge ./knowledge
COPY bot ./bot
ENV PATH=/venv/bin:$PATH PYTHONUNBUFFERED=1 PYTHONDONTWRITEBYTECODE=1
USER numbfeet
ENTRYPOINT ["python", "-m", "bot"]
