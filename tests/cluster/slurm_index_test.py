#!/usr/bin/env python3
"""Scale-out on a real Slurm: starts a one-node Slurm 22.05 cluster (Debian's slurm-wlm
and munge; scripts/cluster/slurm-one-node), submits scripts/cluster/submit-index: a job
array of 4 shards of the Python standard library and the merge after it, and checks
- every file of a single-machine index is in exactly one shard;
- the merged store equals that single-machine index (files, contents, chunks; chunk ids
  aside, they hash whichever path wrote a shared content first);
- a shard whose task fails keeps the merge from running (Slurm cancels it), and that is
  reported, within a timeout (scancel on expiry: the test never hangs);
and stops every daemon it started. Skips (77) without root or the packages.

Usage: slurm_index_test.py CHUNKLS_BINARY SOURCE_DIR STDLIB_DIR
"""
import os
import shutil
import sqlite3
import subprocess
import sys
import tempfile
import time

TIMEOUT = 300  # seconds for a whole submission


def skip(why):
    print(f"SKIP: {why}")
    sys.exit(77)


def run(argv, env=None, check=True, timeout=60):
    return subprocess.run(argv, env=env, check=check, timeout=timeout, capture_output=True,
                          text=True)


def job_states(job, env):
    out = run(["scontrol", "show", "job", job], env=env, check=False, timeout=10).stdout
    return [word.split("=", 1)[1] for word in out.split() if word.startswith("JobState=")]


def wait_final(job, env):
    """The final states of every record of `job` (an array has one per task)."""
    deadline = time.monotonic() + TIMEOUT
    while time.monotonic() < deadline:
        states = job_states(job, env)
        if states and not any(s in ("PENDING", "RUNNING", "CONFIGURING", "COMPLETING")
                              for s in states):
            return states
        time.sleep(0.2)
    run(["scancel", job], env=env, check=False)
    raise AssertionError(f"job {job} did not finish in {TIMEOUT} s (cancelled): {job_states(job, env)}")


def rows(store, sql):
    with sqlite3.connect(f"file:{store}?mode=ro", uri=True) as db:
        db.text_factory = bytes  # chunk details hold the file's bytes, not always UTF-8
        return db.execute(sql).fetchall()


def content(store):
    """What a store holds, without row ids."""
    return {
        "files": rows(store, "SELECT f.path, f.size, f.mtime_ns, f.inode, f.language, c.hash "
                             "FROM files f JOIN contents c ON c.id = f.content ORDER BY f.path"),
        "contents": rows(store, "SELECT hash, folds, omitted_deep, omitted_count, chunk_count, "
                                "symbols FROM contents ORDER BY hash"),
        "chunks": rows(store, "SELECT c.hash, k.ordinal, k.kind, k.name, k.parent, k.depth, "
                              "k.content_hash, k.range_start_byte, k.range_end_byte, "
                              "k.selection_start_byte, k.detail FROM chunks k JOIN contents c "
                              "ON c.id = k.content ORDER BY c.hash, k.ordinal"),
    }


def main():
    binary, source, stdlib = sys.argv[1:4]
    if os.geteuid() != 0:
        skip("a one-node Slurm here runs its daemons as root")
    if not shutil.which("slurmctld") or not shutil.which("munged"):
        skip("slurm-wlm and munge are not installed (scripts/setup --tests installs them)")
    cluster_script = os.path.join(source, "scripts", "cluster", "slurm-one-node")
    submit = os.path.join(source, "scripts", "cluster", "submit-index")
    work = tempfile.mkdtemp(prefix="chunkls-slurm-")
    cluster = os.path.join(work, "slurm")
    env = {k: v for k, v in os.environ.items()
           if not k.startswith(("SLURM_", "SBATCH_", "SALLOC_", "SRUN_"))}
    started = time.monotonic()
    try:
        up = run([cluster_script, "start", cluster], env=env, timeout=120)
        env["SLURM_CONF"] = os.path.join(cluster, "slurm.conf")
        print(f"cluster up in {time.monotonic() - started:.1f} s")
        # The tree every node sees at the same path, and its single-machine index.
        tree = stdlib
        cache = os.path.join(work, "cache")
        run([binary, "index", tree, "--cache", cache, "--quiet"], env=env, timeout=TIMEOUT)
        single = [os.path.join(d, f) for d, _, fs in os.walk(cache) for f in fs
                  if f == "index.sqlite"][0]

        # 4 shards and the merge, as a user submits them.
        env["CHUNKLS"] = binary
        shards = os.path.join(work, "shards")
        merged = os.path.join(work, "merged.sqlite")
        t0 = time.monotonic()
        array, merge = run([submit, tree, shards, "4", merged], env=env).stdout.split()
        array_states = wait_final(array, env)
        merge_states = wait_final(merge, env)
        print(f"array {array}: {array_states}, merge {merge}: {merge_states} "
              f"in {time.monotonic() - t0:.1f} s")
        assert array_states == ["COMPLETED"] * 4, array_states
        assert merge_states == ["COMPLETED"], (merge_states, open(
            os.path.join(shards, f"merge-{merge}.log")).read())
        seen = []
        for k in range(4):
            store = os.path.join(shards, f"shard-{k}.sqlite")
            assert rows(store, "SELECT value FROM meta WHERE key = 'shard'") == [(f"{k}/4".encode(),)]
            seen += [path for (path,) in rows(store, "SELECT path FROM files")]
        every = [path for (path,) in rows(single, "SELECT path FROM files ORDER BY path")]
        assert len(every) > 1000, len(every)
        assert sorted(seen) == every, "every file in exactly one shard"
        want = content(single)
        got = content(merged)
        for table in want:
            assert got[table] == want[table], f"merged {table} differ from the single index"
        print(f"{len(every)} files, {len(want['contents'])} contents, {len(want['chunks'])} chunks: "
              "merged == single")

        # A task that fails (its node's binary exits 1 for task 2; a small tree): no merge.
        failing = os.path.join(work, "failing-chunkls")
        with open(failing, "w") as script:
            script.write(f'#!/bin/sh\n[ "$SLURM_ARRAY_TASK_ID" = 2 ] && exit 1\nexec {binary} "$@"\n')
        os.chmod(failing, 0o755)
        env["CHUNKLS"] = failing
        broken = os.path.join(work, "broken.sqlite")
        array, merge = run([submit, os.path.join(tree, "json"), os.path.join(work, "shards2"), "4",
                            broken], env=env).stdout.split()
        array_states = wait_final(array, env)
        merge_states = wait_final(merge, env)
        print(f"with a failing task: array {array_states}, merge {merge_states}")
        assert sorted(array_states) == ["COMPLETED"] * 3 + ["FAILED"], array_states
        assert merge_states == ["CANCELLED"], merge_states
        assert not os.path.exists(broken), "the merge did not run"
        print(f"PASS in {time.monotonic() - started:.1f} s")
    finally:
        run([cluster_script, "stop", cluster], env=env, check=False, timeout=120)
        left = run(["pgrep", "-a", "-f", cluster], check=False).stdout.strip()
        shutil.rmtree(work, ignore_errors=True)
        if left:
            print(f"daemons left running: {left}")
            sys.exit(1)


if __name__ == "__main__":
    main()
