#!/usr/bin/python3
"""Strict plist test oracle.

Usage:
    plist_view.py FILE
    plist_view.py --probe

Runs, on the raw bytes of FILE:
  * xmllint --noout FILE                                      (well-formedness)
  * XML_CATALOG_FILES=<here>/catalog.xml
    xmllint --noout --nonet --dtdvalid <here>/plist-equivalent.dtd FILE
                                                              (structure, Apple-equivalent DTD)
  * plistlib.loads(raw, fmt=plistlib.FMT_XML) plus a duplicate-dict-key check through
    xml.etree.ElementTree                                     (strict parse)

Output (stdout), one record per line; every variable string is lowercase hex of its UTF-8
bytes, '-' for the empty string:
    xmllint <rc>              rc of the well-formedness run if that failed, else of the
                              --dtdvalid run (0 valid, 1 not well-formed, 3 DTD violation)
    xmllint_wf <rc>           rc of plain `xmllint --noout`
    xmllint_dtd <rc>          rc of the --dtdvalid run
    xmllint_diag <hex>        one per non-empty stderr line of either xmllint run
    strict ok | strict INVALID <hex "Type: message">
    <kind> <path> <hexvalue>  leaves in document order (only when strict ok)

kind: string | integer | real | true | false | data | date | emptydict | emptyarray.
value: string -> its text; integer -> decimal text; real -> repr(); data -> the raw bytes;
date -> "YYYY-MM-DDTHH:MM:SSZ"; true/false/emptydict/emptyarray -> '-'.
path: components joined by '/'; a dict key is hex of its UTF-8 (an empty key is '-'),
an array index is decimal; the root object itself has the path '.'.

Exit status: 0 = output printed; 2 = usage error; 3 = oracle unavailable (message on stderr).
Standard library only; run with /usr/bin/python3.
"""

import datetime
import os
import plistlib
import shutil
import subprocess
import sys
import xml.etree.ElementTree as ET

HERE = os.path.dirname(os.path.abspath(__file__))
DTD = os.path.join(HERE, "plist-equivalent.dtd")
CATALOG = os.path.join(HERE, "catalog.xml")


def hx(b):
    if isinstance(b, str):
        b = b.encode("utf-8", "surrogatepass")
    return b.hex() if b else "-"


def die(code, msg):
    sys.stderr.write("plist_view.py: %s\n" % msg)
    sys.exit(code)


def xmllint(args):
    env = dict(os.environ, XML_CATALOG_FILES=CATALOG)
    env.pop("SGML_CATALOG_FILES", None)
    p = subprocess.run(["xmllint"] + args, stdin=subprocess.DEVNULL, stdout=subprocess.PIPE,
                       stderr=subprocess.PIPE, env=env)
    return p.returncode, [ln for ln in p.stderr.split(b"\n") if ln.strip()]


def duplicate_key_check(raw):
    root = ET.fromstring(raw)
    for d in root.iter("dict"):
        seen, dups = set(), []
        for child in d:
            if child.tag != "key":
                continue
            k = child.text or ""
            if k in seen and k not in dups:
                dups.append(k)
            seen.add(k)
        if dups:
            raise ValueError("duplicate dict key(s): %r" % dups)


def key_component(k):
    return hx(k)


def flatten(obj, path, out):
    p = "/".join(path) if path else "."
    if isinstance(obj, bool):  # before int: bool is an int subclass
        out.append(("true" if obj else "false", p, "-"))
    elif isinstance(obj, int):
        out.append(("integer", p, hx(str(obj))))
    elif isinstance(obj, float):
        out.append(("real", p, hx(repr(obj))))
    elif isinstance(obj, str):
        out.append(("string", p, hx(obj)))
    elif isinstance(obj, (bytes, bytearray)):
        out.append(("data", p, hx(bytes(obj))))
    elif isinstance(obj, datetime.datetime):
        out.append(("date", p, hx(obj.strftime("%Y-%m-%dT%H:%M:%SZ"))))
    elif isinstance(obj, dict):
        if not obj:
            out.append(("emptydict", p, "-"))
        for k, v in obj.items():
            flatten(v, path + [key_component(k)], out)
    elif isinstance(obj, list):
        if not obj:
            out.append(("emptyarray", p, "-"))
        for i, v in enumerate(obj):
            flatten(v, path + [str(i)], out)
    else:
        raise TypeError("unexpected plist value type %s" % type(obj).__name__)


PROBE = (b'<?xml version="1.0" encoding="UTF-8"?>\n'
         b'<!DOCTYPE plist PUBLIC "-//Apple//DTD PLIST 1.0//EN" '
         b'"http://www.apple.com/DTDs/PropertyList-1.0.dtd">\n'
         b'<plist version="1.0">\n<dict>\n\t<key>Label</key>\n\t<string>probe</string>\n'
         b'</dict>\n</plist>\n')


def main(argv):
    if shutil.which("xmllint") is None:
        die(3, "xmllint not found in PATH (Debian: apt-get install libxml2-utils)")
    for f in (DTD, CATALOG):
        if not os.path.isfile(f):
            die(3, "missing %s" % f)
    if argv == ["--probe"]:
        import tempfile
        with tempfile.NamedTemporaryFile(prefix="hermes-plist-probe-", suffix=".plist") as t:
            t.write(PROBE)
            t.flush()
            rc, diag = xmllint(["--noout", "--nonet", "--dtdvalid", DTD, t.name])
        if rc != 0 or diag:
            die(3, "xmllint --dtdvalid probe failed (rc %d): %s"
                % (rc, " | ".join(d.decode("utf-8", "replace") for d in diag)))
        print("ok")
        return 0
    if len(argv) != 1 or argv[0].startswith("--"):
        die(2, "usage: plist_view.py FILE")
    path = argv[0]
    try:
        with open(path, "rb") as f:
            raw = f.read()
    except OSError as e:
        die(2, "cannot read %s: %s" % (path, e))

    wf_rc, wf_diag = xmllint(["--noout", "--nonet", path])
    dtd_rc, dtd_diag = xmllint(["--noout", "--nonet", "--dtdvalid", DTD, path])

    strict_err = None
    leaves = []
    try:
        value = plistlib.loads(raw, fmt=plistlib.FMT_XML)
        duplicate_key_check(raw)
        flatten(value, [], leaves)
    except Exception as e:  # noqa: BLE001 - every failure is a verdict, reported as data
        strict_err = "%s: %s" % (type(e).__name__, e)
        leaves = []

    o = ["xmllint %d" % (wf_rc if wf_rc != 0 else dtd_rc),
         "xmllint_wf %d" % wf_rc,
         "xmllint_dtd %d" % dtd_rc]
    o += ["xmllint_diag " + hx(d) for d in wf_diag + dtd_diag]
    o.append("strict ok" if strict_err is None else "strict INVALID " + hx(strict_err))
    o += ["%s %s %s" % leaf for leaf in leaves]
    sys.stdout.write("\n".join(o) + "\n")
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
