# Multi-stage build: compile in the Rust image, run in a slim Debian with only
# what the binary links against (libssl for the bundled libpq).
FROM rust:1-bookworm AS build
RUN apt-get update \
    && apt-get install -y --no-install-recommends pkg-config libssl-dev \
    && rm -rf /var/lib/apt/lists/*
WORKDIR /src
COPY . .
RUN cargo build --release --locked && strip target/release/coopera

FROM debian:bookworm-slim
RUN apt-get update \
    && apt-get install -y --no-install-recommends libssl3 ca-certificates curl \
    && rm -rf /var/lib/apt/lists/* \
    && useradd --system --home-dir /app --create-home coopera \
    && mkdir -p /app/data && chown coopera /app/data
COPY --from=build /src/target/release/coopera /usr/local/bin/coopera
USER coopera
WORKDIR /app
ENV COOPERA_LISTEN=0.0.0.0:8080 \
    DATABASE_URL=sqlite://data/coopera.db \
    RUST_LOG=info
VOLUME ["/app/data"]
EXPOSE 8080
HEALTHCHECK --interval=10s --timeout=3s --start-period=10s --retries=3 \
    CMD curl -fsS http://127.0.0.1:8080/health/ready || exit 1
ENTRYPOINT ["coopera"]
CMD ["serve"]
