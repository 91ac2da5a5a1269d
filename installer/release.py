"""Signing a release of the desk, on the admin's own machine (the keys never go to the server).

    python installer/release.py init  --keys KEYS --repo REPO           # once: key pairs + root.json
    python installer/release.py add BUNDLE --version 0.2.0 --keys KEYS --repo REPO

`init` makes the TUF key pairs (root, targets, snapshot, timestamp) in KEYS and the signed root
metadata in REPO/metadata; REPO/metadata/root.json is the trust anchor built into the desk's
installer (installer/build-linux --update-root). `add` archives the frozen desk folder BUNDLE, signs
the new targets, snapshot and timestamp, and leaves REPO ready for `tongdai1022-server publish-release
REPO`, which copies only the signed metadata and archives (no key) to the server.
"""

from __future__ import annotations

import argparse
import contextlib
import sys
from pathlib import Path

from packaging.version import parse as parse_version

APP_NAME = "tongdai1022"
# Provinces release a few times a year and the keys stay offline: metadata lives a year, so desks do
# not refuse a valid release because nobody re-signed the timestamp (the usual TUF trade-off, chosen).
EXPIRATION_DAYS = {"root": 730, "targets": 365, "snapshot": 365, "timestamp": 365}


def repository(keys: Path, repo: Path):  # type: ignore[no-untyped-def]
    from tufup.repo import Repository

    return Repository(
        app_name=APP_NAME,
        repo_dir=repo,
        keys_dir=keys,
        expiration_days=dict(EXPIRATION_DAYS),  # type: ignore[arg-type]
    )


def init(keys: Path, repo: Path) -> Path:
    """Key pairs and the first signed root. Refuses when keys exist: a new root would orphan every desk."""
    keys, repo = keys.resolve(), repo.resolve()
    if keys.exists() and any(keys.glob("*.pub")):
        raise ValueError(f"đã có khóa trong {keys}: không tạo lại (mọi máy trạm đang tin các khóa này)")
    keys.mkdir(parents=True, exist_ok=True, mode=0o700)
    with contextlib.chdir(keys):  # tufup keeps its small config file in the working folder
        repository(keys, repo).initialize()
    return repo / "metadata" / "root.json"


def add(bundle: Path, version: str, keys: Path, repo: Path) -> Path:
    """Archives `bundle` as `version`, signs it; returns the archive. Refuses a version not above the last."""
    bundle, keys, repo = bundle.resolve(), keys.resolve(), repo.resolve()
    if not bundle.is_dir():
        raise ValueError(f"không có thư mục bản đóng gói {bundle}")
    with contextlib.chdir(keys):
        release = repository(keys, repo)
        release._load_keys_and_roles(create_keys=False)  # the keys and roles already there
        before = release.roles.get_latest_archive()
        if before is not None and not before.version < parse_version(version):
            raise ValueError(f"phiên bản {version} phải mới hơn bản đã phát hành {before.version}")
        release.add_bundle(new_bundle_dir=bundle, new_version=version, skip_patch=True)
        release.publish_changes(private_key_dirs=[keys])
        after = release.roles.get_latest_archive()
    return repo / "targets" / after.path.name


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="release.py", description=__doc__.splitlines()[0])
    commands = parser.add_subparsers(dest="command", required=True)
    for name in ("init", "add"):
        command = commands.add_parser(name)
        if name == "add":
            command.add_argument("bundle", type=Path, help="the frozen desk folder (dist/tongdai1022)")
            command.add_argument("--version", required=True)
        command.add_argument("--keys", type=Path, required=True, help="folder of the private keys (offline)")
        command.add_argument("--repo", type=Path, required=True, help="the signed repository to publish")
    args = parser.parse_args(argv)
    try:
        if args.command == "init":
            print(f"Khóa trong {args.keys}; gốc tin cậy cho bộ cài: {init(args.keys, args.repo)}")
        else:
            print(f"Đã ký: {add(args.bundle, args.version, args.keys, args.repo)}")
    except (OSError, ValueError) as error:
        print(f"Lỗi: {error}", file=sys.stderr)
        return 2
    return 0


if __name__ == "__main__":
    sys.exit(main())
