#!/bin/bash -eu
# ClusterFuzzLite / OSS-Fuzz build: every libFuzzer target into $OUT, with its seed corpus.
# OSS-Fuzz's Swift image sets SWIFTFLAGS (sanitizer, -parse-as-library, static stdlib); the
# default below is the same for a local run.
cd "$SRC/swift-mdns"

SWIFTFLAGS="${SWIFTFLAGS:--Xswiftc -sanitize=fuzzer,${SANITIZER:-address} -Xswiftc -parse-as-library -Xswiftc -static-stdlib --static-swift-stdlib}"
SCRATCH="${MDNS_FUZZ_SCRATCH:-.build}"
TARGETS="decode:FuzzDecode roundtrip:FuzzRoundTrip engine:FuzzEngine pcap:FuzzPcap"

for pair in $TARGETS; do
  target="${pair%%:*}"; exe="${pair##*:}"
  # -parse-as-library applies to every module built, so one product at a time; -DFUZZING selects
  # the libFuzzer entry point over the plain replay main (see Sources/FuzzDecode).
  swift build -c debug --scratch-path "$SCRATCH" $SWIFTFLAGS -Xswiftc -DFUZZING --product "$exe"
  cp "$SCRATCH/debug/$exe" "$OUT/$exe"
  if command -v zip > /dev/null && [ -d "Corpus/$target" ]; then
    rm -f "$OUT/${exe}_seed_corpus.zip"
    (cd "Corpus/$target" && zip -q -j "$OUT/${exe}_seed_corpus.zip" ./*)
  fi
done
