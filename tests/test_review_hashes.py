"""Every hash the manifest records is of the file's bytes, the way ``zimes-audit review``
re-hashes it (issue 27): a policy saved with Windows line endings, a field map with a BOM and a
Windows-1257 export all verify as ``match``; and the manifest carries every policy term."""

from __future__ import annotations

import hashlib
import json

from cli_runner import invoke
from conftest import AS_OF

from zimes_audit.procedure.policy import load_policy
from zimes_audit.report import reports

ORDERS = (
    "Pasūtījuma nr.;Datums;E-pasts;Summa;Piezīmes;Krāsa\r\n"
    "M-1;05.01.2024;janis@inbox.lv;3,50;p.k. 161175-19997;zila\r\n"
)


def test_crlf_policy_bom_field_map_and_cp1257_export_pass_the_review(tmp_path):
    inputs = tmp_path / "eksports"
    inputs.mkdir()
    (inputs / "orders.csv").write_bytes(ORDERS.encode("cp1257"))
    field_map = b'\xef\xbb\xbf[headings]\r\n"Kr\xc4\x81sa" = "notes"\r\n'
    (inputs / "zimes-fields.toml").write_bytes(field_map)
    shipped = reports.policy_path(reports.Report(tmp_path, {}, None)).read_bytes()
    policy = tmp_path / "policy.toml"
    policy.write_bytes(b"\xef\xbb\xbf" + shipped.replace(b"\r\n", b"\n").replace(b"\n", b"\r\n"))
    assert b"\r\n" in policy.read_bytes()
    done = invoke("run", str(inputs), "--as-of", AS_OF.isoformat(), "--policy", str(policy),
                  "--out", str(tmp_path / "r"), "--no-notebook", cwd=tmp_path)  # fmt: skip
    assert done.returncode == 0, done.stderr
    manifest = json.loads((tmp_path / "r" / "manifest.json").read_text("utf-8"))
    assert manifest["field_map"]["sha256"] == hashlib.sha256(field_map).hexdigest()
    assert manifest["policy"]["sha256"] == hashlib.sha256(policy.read_bytes()).hexdigest()
    (orders,) = manifest["inputs"]
    assert orders["encoding"] == "cp1257"
    report = reports.load_report(tmp_path / "r")
    assert set(reports.check_inputs(report)["status"]) == {reports.MATCH}
    assert reports.inputs_verified(report) and reports.policy_verified(report)
    terms = load_policy(policy).terms()
    assert {k: manifest["policy"][k] for k in terms} == terms
    assert manifest["policy"]["guest_relationship_years"] == 2
    labelled = dict(reports.check_policy(report).itertuples(index=False))
    assert any("guest order" in label for label in labelled)
