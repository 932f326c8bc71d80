# SPDX-License-Identifier: MIT
# capsim for container runs (deploy/kubernetes, tools/k8s-run.sh): the
# release build on Debian 12, run as a non-root user.
#   docker build -t capsim:latest .
#   docker run --rm capsim:latest run --aps 10 --duration 10s
FROM debian:12 AS build
RUN apt-get update -qq && \
    apt-get install -y -qq --no-install-recommends build-essential cmake \
      pkg-config libssl-dev libevent-dev libyaml-dev libjansson-dev \
      libcmocka-dev && \
    rm -rf /var/lib/apt/lists/*
WORKDIR /src
COPY . .
RUN rm -rf build && cmake --preset release -DCS_BUILD_TESTS=OFF && \
    cmake --build --preset release -j"$(nproc)" && \
    DESTDIR=/out cmake --install build/release

FROM debian:12-slim
RUN apt-get update -qq && \
    apt-get install -y -qq --no-install-recommends libssl3 \
      libevent-2.1-7 libevent-pthreads-2.1-7 libyaml-0-2 libjansson4 \
      ca-certificates iproute2 && \
    rm -rf /var/lib/apt/lists/* && \
    useradd --system --uid 10001 --home-dir /home/capsim --create-home \
      capsim
COPY --from=build /out/usr /usr
USER 10001:10001
ENV HOME=/home/capsim
# UDP sockets with per-datagram source addresses need no capability; the
# AP address range must be local to the pod or host: ip route add local,
# done by the node's admin, or (the Multus site variant of
# deploy/kubernetes) by an init container of this image that alone holds
# NET_ADMIN (iproute2 above)
ENTRYPOINT ["capsim"]
CMD ["--help"]
