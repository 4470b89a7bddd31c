#!/usr/bin/env bash
# Builds wirewatch's container images (make images): every binary is built
# on the host, static (CGO_ENABLED=0), and copied into an image FROM scratch,
# so no base image and no registry is needed.
#
#   wirewatch/{fetcher,extractor,deduper,sink}   the four services
#   wirewatch/wirewatch                          the CLI (tail, record, dlq, ...)
#   wirewatch/demofeed                           the demo news site
#   wirewatch/stacksetup                         creates the streams (one-shot)
#   wirewatch/nats                               nats-server, at the version go.mod pins
#
# Environment: WIREWATCH_TAG (default dev), GO, DOCKER.
set -euo pipefail
cd "$(dirname "$0")/.."
GO=${GO:-go}
DOCKER=${DOCKER:-docker}
TAG=${WIREWATCH_TAG:-dev}
OUT=bin/images
VERSION=$(git describe --always --dirty 2>/dev/null || echo dev)
CA=/etc/ssl/certs/ca-certificates.crt

if [ ! -s "$CA" ]; then
	echo "images: $CA is missing; install the ca-certificates package" >&2
	exit 1
fi

rm -rf "$OUT"
mkdir -p "$OUT/bin" "$OUT/common/data" "$OUT/common/tmp"
chmod 1777 "$OUT/common/tmp"
cp "$CA" "$OUT/common/ca-certificates.crt"
printf 'root:x:0:0:root:/root:/sbin/nologin\nwirewatch:x:65532:65532:wirewatch:/data:/sbin/nologin\n' >"$OUT/common/passwd"
printf 'root:x:0:\nwirewatch:x:65532:\n' >"$OUT/common/group"

# build NAME MODULE_DIR PACKAGE
build() {
	echo "== go build $1"
	(cd "$2" && CGO_ENABLED=0 "$GO" build -trimpath -ldflags "-s -w -X main.version=$VERSION" \
		-o "$OLDPWD/$OUT/bin/$1" "$3")
}
build healthcheck . ./cmd/healthcheck
build wirewatch . ./cmd/wirewatch
build demofeed . ./cmd/demofeed
build stacksetup . ./cmd/stacksetup
build nats . github.com/nats-io/nats-server/v2
for s in fetcher extractor deduper sink; do
	build "$s" "services/$s" "./cmd/$s"
done

for name in nats stacksetup demofeed wirewatch fetcher extractor deduper sink; do
	# A small context per image: hard links, not copies.
	ctx="$OUT/ctx-$name"
	mkdir -p "$ctx"
	cp -al "$OUT/common/." "$ctx/"
	ln "$OUT/bin/healthcheck" "$ctx/healthcheck"
	[ "$name" = healthcheck ] || ln "$OUT/bin/$name" "$ctx/$name"
	echo "== docker build wirewatch/$name:$TAG"
	DOCKER_BUILDKIT=0 "$DOCKER" build --quiet -f deploy/Dockerfile --build-arg "BIN=$name" \
		-t "wirewatch/$name:$TAG" "$ctx" >"$ctx.log" 2>&1 || { cat "$ctx.log" >&2; exit 1; }
done
"$DOCKER" image ls --filter reference='wirewatch/*' --format '{{.Repository}}:{{.Tag}}\t{{.Size}}'
