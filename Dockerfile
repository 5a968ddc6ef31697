# Builds the `toasoan` binary and runs it on a slim image.
FROM rust:1.95-bookworm AS build
RUN apt-get update && apt-get install -y --no-install-recommends pkg-config libssl-dev && rm -rf /var/lib/apt/lists/*
WORKDIR /src
COPY . .
RUN cargo build --release --locked --bin toasoan

FROM debian:bookworm-slim
RUN apt-get update && apt-get install -y --no-install-recommends ca-certificates libssl3 && rm -rf /var/lib/apt/lists/* \
    && useradd --system --home /var/lib/toasoan toasoan && mkdir -p /var/lib/toasoan && chown toasoan /var/lib/toasoan
COPY --from=build /src/target/release/toasoan /usr/local/bin/toasoan
USER toasoan
# Two malloc arenas: with glibc's default (8 per core) memory freed after
# decoding a photo stays with idle threads, and peak RSS under 8 parallel
# uploads was 448 MB instead of 243 MB (README: Benchmarks).
ENV TOASOAN_LISTEN=0.0.0.0:8080 TOASOAN_DATA_DIR=/var/lib/toasoan MALLOC_ARENA_MAX=2
EXPOSE 8080
ENTRYPOINT ["toasoan"]
CMD ["serve"]
