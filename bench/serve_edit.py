#!/usr/bin/env python3
"""Edit-to-served time of `kiosque serve`: edit one article, poll the server until the
new text is served; repeat, and print the median.

Usage:
  python3 bench/serve_edit.py --root SITE --article content/articles/x.md --url /x/ \
      [--binary target/release/kiosque] [--edits 20] [--pause 1.5]

For each edit, a marker line is appended to the article's Markdown (a plain write, as
most editors' "save" is), then the article's page is fetched every 5 ms until it shows
the marker. "client" is the time from the end of the write to the first response that
shows it (debounce, rebuild and one poll included); "server" is what the server's own
log says for the same rebuild (from the first file event to the pages being served,
and the rebuild alone). Quick rebuilds reuse the related lists; the server computes
them again on another thread once nothing changed for a second ("Related articles
updated" lines; the time of that computation is summarised too), so with the default
pause some edits land while that runs. The article is restored at the end.

Measured (2-core shared machine, release build): the example site, median 52 ms
(rebuild 6 ms); 10,000 generated articles, median 82 ms (rebuild 37.5 ms), related
lists 0.7 s in the background. With --hugo (Hugo 0.168 `server --renderToMemory`
on the same corpus in Hugo's format, related off), measured the same way: 1,386 ms.

A generated corpus needs a site.yaml and the theme; --prepare-from REPO copies
REPO/themes/newsroom into SITE and writes a minimal site.yaml when SITE has none:

  python3 /work/shared/bench/gen_corpus.py --articles 10000 --out /dev/shm/k10k \
      --seed 1 --format canonical --force
  python3 bench/serve_edit.py --root /dev/shm/k10k --prepare-from . \
      --article content/articles/amazon-announces-a-controversial-pixel-10-for-developers.md \
      --url /2025/03/amazon-announces-a-controversial-pixel-10-for-developers/

Stdlib only.
"""
import argparse
import os
import queue
import re
import shutil
import statistics
import subprocess
import sys
import threading
import time
import urllib.request

SITE_YAML = """title: "Corpus"
base_url: "http://127.0.0.1:1111/"
language: fr
timezone: Europe/Paris
"""


def prepare(root, repo):
    theme = os.path.join(root, "themes", "newsroom")
    if not os.path.isdir(theme):
        shutil.copytree(os.path.join(repo, "themes", "newsroom"), theme)
    config = os.path.join(root, "site.yaml")
    if not os.path.exists(config):
        with open(config, "w", encoding="utf-8") as f:
            f.write(SITE_YAML)


def read_lines(stream, lines):
    for line in iter(stream.readline, ""):
        lines.put(line.rstrip("\n"))


def wait_line(lines, pattern, timeout):
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        try:
            line = lines.get(timeout=max(0.01, deadline - time.monotonic()))
        except queue.Empty:
            break
        if re.search(pattern, line):
            return line
    return None


def fetch(url):
    try:
        with urllib.request.urlopen(url, timeout=5) as response:
            return response.read().decode("utf-8", "replace")
    except OSError:
        return ""


def summary(name, values):
    values = sorted(values)
    return "%-28s median %7.1f ms   min %7.1f   max %7.1f   (n=%d)" % (
        name, statistics.median(values), values[0], values[-1], len(values))


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--root", required=True)
    ap.add_argument("--article", required=True, help="path below the root")
    ap.add_argument("--url", required=True, help="the article's site path")
    ap.add_argument("--binary", default="target/release/kiosque")
    ap.add_argument("--edits", type=int, default=20)
    ap.add_argument("--pause", type=float, default=1.5,
                    help="seconds between edits")
    ap.add_argument("--prepare-from", help="repository to copy the theme from")
    ap.add_argument("--hugo", help="measure this Hugo binary's server instead, the same way "
                    "(--root is then a Hugo site made by gen_corpus.py --format hugo)")
    ap.add_argument("--hugo-config", default="hugo.toml,hugo.norelated.toml")
    a = ap.parse_args()
    if a.prepare_from:
        prepare(a.root, a.prepare_from)

    if a.hugo:
        command = [a.hugo, "server", "-s", a.root, "--config", a.hugo_config, "--renderToMemory",
                   "--bind", "127.0.0.1", "--port", "13131", "--disableLiveReload"]
    else:
        command = [os.path.abspath(a.binary), "serve", "--root", a.root, "--port", "0"]
    server = subprocess.Popen(command, stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True)
    lines = queue.Queue()
    threading.Thread(target=read_lines, args=(server.stdout, lines), daemon=True).start()
    path = os.path.join(a.root, a.article)
    with open(path, encoding="utf-8") as f:
        original = f.read()
    try:
        if a.hugo:
            serving = wait_line(lines, r"Web Server is available at", 900)
            if not serving:
                sys.exit("the Hugo server did not start")
            base = re.search(r"(http://\S+?)/? ", serving + " ").group(1).rstrip("/")
        else:
            first = wait_line(lines, r"^Build 1 ", 600)
            serving = wait_line(lines, r"^Serving .* at ", 60)
            if not serving:
                sys.exit("the server did not start")
            base = re.search(r"at (http://\S+/) ", serving).group(1).rstrip("/")
            print("initial build:", first)
        url = base + a.url
        if a.url not in fetch(url) and "<html" not in fetch(url):
            sys.exit("%s does not answer" % url)
        client, server_total, server_rebuild, settles = [], [], [], []
        for edit in range(a.edits):
            marker = "bench-marker-%d-%d" % (edit, time.monotonic_ns())
            with open(path, "w", encoding="utf-8") as f:
                f.write(original + "\n" + marker + "\n")
            started = time.monotonic()
            while marker not in fetch(url):
                if time.monotonic() - started > 30:
                    sys.exit("edit %d was not served within 30 s" % edit)
                time.sleep(0.005)
            client.append((time.monotonic() - started) * 1000)
            if a.hugo:
                print("edit %2d: %7.1f ms" % (edit, client[-1]))
                time.sleep(max(0.0, a.pause - (time.monotonic() - started)))
                continue
            line = wait_line(lines, r"^Build \d+ ", 10)
            match = line and re.search(r"in (\d+) ms, (\d+) ms from the file event", line)
            if match:
                server_rebuild.append(float(match.group(1)))
                server_total.append(float(match.group(2)))
            print("edit %2d: %7.1f ms   %s" % (edit, client[-1], line or ""))
            settled = wait_line(lines, r"^Related articles", a.pause)
            match = settled and re.search(r"related, on another thread (\d+)", settled)
            if match:
                settles.append(float(match.group(1)))
            time.sleep(max(0.0, a.pause - (time.monotonic() - started)))
        print(summary("client: write to served", client))
        if server_total:
            print(summary("server: event to served", server_total))
            print(summary("server: rebuild alone", server_rebuild))
        if settles:
            print(summary("server: related lists (background)", settles))
    finally:
        with open(path, "w", encoding="utf-8") as f:
            f.write(original)
        time.sleep(0.3)
        server.terminate()
        server.wait()


if __name__ == "__main__":
    main()
