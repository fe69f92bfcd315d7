"""No secrets anywhere: one rule, used by every free-text field, refuses a credential and lets its whereabouts pass."""

from __future__ import annotations

import pytest

from soloit.domain.secrets import secret_problem
from soloit.services.errors import ValidationError

HOLDS_A_SECRET = [
    "パスワード: abc123",
    "password=hunter2",
    "PW：Secr3t",
    "ＰＷ：ａｂｃ１２３",  # 全角
    "ID/PW: admin/admin",
    "パスワードは abc123",
    "パスワードはabc123です",
    "APIキー: 9f8e7d6c",
    "token=eyJhbGciOiJIUzI1NiJ9",
    "保守端末の暗証番号＝4321",
    "接続情報\nPassword : P@ssw0rd",
]
ABOUT_ITS_WHEREABOUTS = [
    "パスワードの保管場所：金庫の台帳",
    "PW：金庫の台帳に記載",
    "パスワードは別紙で管理",
    "パスワード: ****",
    "パスワードを変更した（保管場所は総務課の金庫）",
    "upwards: yes",
    "pinned: true",
    "token issued by the vendor",
    "ログインIDは総務課で管理",
    "",
]


@pytest.mark.parametrize("text", HOLDS_A_SECRET)
def test_a_credential_is_refused_with_where_to_record_instead(text):
    problem = secret_problem(text)
    assert problem is not None and "保管している場所" in problem
    assert "abc123" not in problem and "hunter2" not in problem  # the message never repeats the secret


@pytest.mark.parametrize("text", ABOUT_ITS_WHEREABOUTS)
def test_text_about_where_a_credential_is_kept_passes(text):
    assert secret_problem(text) is None


def test_every_record_field_and_every_reason_use_the_rule(service):
    services = service.services
    with pytest.raises(ValidationError) as caught:
        services.tasks.add("サーバ更新", notes="管理者 PW: Adm1n!")
    assert caught.value.field_label == "メモ"
    with pytest.raises(ValidationError):
        services.ledger.edit_system(3, "notes", "password=hunter2")
    with pytest.raises(ValidationError):
        services.ledger.edit_system(3, "notes", "メモ", reason="パスワード: abc123 を伝えた")
    assert services.records.records("task") == []
    services.ledger.edit_system(3, "notes", "パスワードの保管場所：金庫の台帳")
    assert services.ledger.system(3).notes == "パスワードの保管場所：金庫の台帳"
