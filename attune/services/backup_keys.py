"""Backups that nobody else can read: encryption to a public key, in the age format.

A backup made with recipients (``ATTUNE_BACKUP_RECIPIENTS``, or ``attune backup --to``)
is the same tar archive, encrypted as it is written to the age format
(https://age-encryption.org/v1) with ``pyrage`` (Rust's ``rage``, MIT/Apache-2.0):
only the holder of a matching private key can read it, so the server that writes it
never holds what opens it. ``attune backup-key`` makes a key pair; the private key goes
off the server (a password manager, a safe), the public key into the setting.
``attune restore --identity FILE`` decrypts while it reads; nothing decrypted is written
to disk. Both directions stream through a pipe and a thread (pyrage reads and writes
file objects), so memory stays flat whatever the archive's size.
"""

from __future__ import annotations

import contextlib
import os
import threading
from collections.abc import Iterator
from pathlib import Path
from typing import IO, Any

import pyrage
from pyrage import x25519

from attune.errors import InputError

#: The first bytes of every age file.
AGE_MAGIC = b"age-encryption.org/v1\n"


def parse_recipients(text: str) -> list[x25519.Recipient]:
    """Public keys (``age1…``), separated by commas, spaces or new lines."""
    keys = [k for k in text.replace(",", " ").split() if k]
    if not keys:
        raise InputError("No public key was given for the backup. Make a key pair with "
                         "`attune backup-key`, keep the private key off the server and give "
                         "its public key (age1…).")
    recipients = []
    for key in keys:
        try:
            recipients.append(x25519.Recipient.from_str(key))
        except pyrage.RecipientError:
            raise InputError(f"{key[:12]}… is not an age public key (they start with age1); "
                             "copy the line `attune backup-key` printed.") from None
    return recipients


def read_identities(path: Path) -> list[x25519.Identity]:
    """The private keys in an age identity file (``AGE-SECRET-KEY-1…`` lines)."""
    path = Path(path).expanduser()
    try:
        lines = path.read_text(encoding="utf-8").splitlines()
    except (OSError, UnicodeDecodeError) as exc:
        raise InputError(f"The private key file {path} cannot be read ({exc}); give the file "
                         "`attune backup-key` wrote.") from None
    identities = []
    for line in lines:
        line = line.strip()
        if not line or line.startswith("#"):
            continue
        try:
            identities.append(x25519.Identity.from_str(line))
        except pyrage.IdentityError:
            raise InputError(f"{path} holds a line that is not an age private key; give the "
                             "file `attune backup-key` wrote.") from None
    if not identities:
        raise InputError(f"{path} holds no private key; give the file `attune backup-key` "
                         "wrote.")
    return identities


def new_key_pair(private_file: Path) -> str:
    """Write a new private key to ``private_file`` (mode 0600, never overwriting) and
    return its public key."""
    identity = x25519.Identity.generate()
    public = str(identity.to_public())
    path = Path(private_file).expanduser()
    try:
        fd = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
    except FileExistsError:
        raise InputError(f"{path} already exists; choose a new file name (a key is never "
                         "overwritten).") from None
    except OSError as exc:
        raise InputError(f"{path} cannot be written ({exc}).") from None
    with os.fdopen(fd, "w", encoding="utf-8") as fh:
        fh.write(f"# attune backup key; public key: {public}\n{identity}\n")
    return public


def is_encrypted(archive: Path) -> bool:
    with open(archive, "rb") as fh:
        return fh.read(len(AGE_MAGIC)) == AGE_MAGIC


class _Pump(threading.Thread):
    """Runs one pyrage stream call, keeping what it raised for the caller."""

    def __init__(self, work: Any) -> None:
        super().__init__(daemon=True)
        self.work = work
        self.error: BaseException | None = None

    def run(self) -> None:
        try:
            self.work()
        except BaseException as exc:
            self.error = exc


@contextlib.contextmanager
def encrypting(sink: Any, recipients: list[x25519.Recipient]) -> Iterator[IO[bytes]]:
    """A file to write plain bytes to; ``sink`` (anything with ``write``) receives them
    encrypted to ``recipients``, the age header first and its last bytes when the block
    ends."""
    read_fd, write_fd = os.pipe()
    reader = os.fdopen(read_fd, "rb")

    def work() -> None:
        with reader:
            pyrage.encrypt_io(reader, sink, recipients)

    pump = _Pump(work)
    pump.start()
    writer = os.fdopen(write_fd, "wb")
    try:
        try:
            yield writer
        finally:
            writer.close()  # the encryption sees the end and writes its last block
            pump.join()
    except BrokenPipeError:
        pass  # the encryption stopped: its own error says why, below
    if pump.error is not None:
        raise OSError(f"the backup could not be encrypted ({pump.error})") from pump.error


@contextlib.contextmanager
def opened_archive(archive: Path, identities: list[x25519.Identity] | None
                   ) -> Iterator[IO[bytes]]:
    """The archive's plain bytes, decrypted while they are read when it is an age file."""
    if not is_encrypted(archive):
        with open(archive, "rb") as fh:
            yield fh
        return
    if not identities:
        raise InputError(f"{archive.name} is encrypted. Give its private key file with "
                         "--identity FILE (the file `attune backup-key` wrote, kept off the "
                         "server). Nothing was restored.")
    read_fd, write_fd = os.pipe()
    writer = os.fdopen(write_fd, "wb")

    def work() -> None:
        with writer, open(archive, "rb") as source:
            pyrage.decrypt_io(source, writer, identities)

    pump = _Pump(work)
    pump.start()
    reader = os.fdopen(read_fd, "rb")
    failure: BaseException | None = None
    try:
        yield reader
        while reader.read(1 << 20):  # the tar's end padding: let the decryption finish
            pass
    except BaseException as exc:
        failure = exc
    finally:
        reader.close()  # a decryption still writing stops (broken pipe) instead of waiting
        pump.join()
    if isinstance(pump.error, pyrage.DecryptError):
        raise InputError(f"{archive.name} cannot be opened with this private key: it was "
                         "encrypted for another key, or the file is damaged. Give the key "
                         "file that belongs to the public key it was made for. Nothing was "
                         "restored.") from None
    if failure is not None:
        raise failure
    if pump.error is not None:
        raise OSError(f"{archive.name} could not be decrypted ({pump.error})") from pump.error
