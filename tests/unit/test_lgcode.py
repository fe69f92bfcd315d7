"""団体コード: 6 digits, check digit = (11 − Σ digit×weight mod 11) mod 10 with weights 6,5,4,3,2."""

from __future__ import annotations

import re

import pytest

from soloit.domain import lgcode

JAPANESE = re.compile(r"[\u3040-\u30ff\u4e00-\u9fff]")


# Prefecture-level codes (all 47) and municipalities, copied from the ministry's list (総務省「全国地方公共団体コード」,
# https://www.soumu.go.jp/denshijiti/code.html) as republished in CSV in
#   github.com/ohwada/World_Countries, japan_municipaliy/japan_municipal_code/files/japan_municipal_code.csv
#   (commit 12c61375cec3d65bde88c4f3f7f3ae54d3303434, 2023).
# That sheet has no wards of the designated cities (行政区); those below come from the same ministry list as converted in
#   github.com/HeRoMo/japanese_local_governments, data/japanese_local_governments.csv
#   (commit c58605217c8c882dc28a627652342216cd4aa2dc: the ministry's list as of 平成28年10月10日).
# Nothing here is computed: every check digit below is the one the ministry published.
PREFECTURES = {
    "北海道": "010006", "青森県": "020001", "岩手県": "030007", "宮城県": "040002", "秋田県": "050008",
    "山形県": "060003", "福島県": "070009", "茨城県": "080004", "栃木県": "090000", "群馬県": "100005",
    "埼玉県": "110001", "千葉県": "120006", "東京都": "130001", "神奈川県": "140007", "新潟県": "150002",
    "富山県": "160008", "石川県": "170003", "福井県": "180009", "山梨県": "190004", "長野県": "200000",
    "岐阜県": "210005", "静岡県": "220001", "愛知県": "230006", "三重県": "240001", "滋賀県": "250007",
    "京都府": "260002", "大阪府": "270008", "兵庫県": "280003", "奈良県": "290009", "和歌山県": "300004",
    "鳥取県": "310000", "島根県": "320005", "岡山県": "330001", "広島県": "340006", "山口県": "350001",
    "徳島県": "360007", "香川県": "370002", "愛媛県": "380008", "高知県": "390003", "福岡県": "400009",
    "佐賀県": "410004", "長崎県": "420000", "熊本県": "430005", "大分県": "440001", "宮崎県": "450006",
    "鹿児島県": "460001", "沖縄県": "470007",
}  # fmt: skip

MUNICIPALITIES = [
    ("011002", "北海道", "札幌市"), ("012025", "北海道", "函館市"), ("013455", "北海道", "森町"),
    ("014036", "北海道", "泊村"), ("022012", "青森県", "青森市"), ("024112", "青森県", "六ヶ所村"),
    ("032018", "岩手県", "盛岡市"), ("035068", "岩手県", "九戸村"), ("041009", "宮城県", "仙台市"),
    ("046060", "宮城県", "南三陸町"), ("052019", "秋田県", "秋田市"), ("053686", "秋田県", "大潟村"),
    ("062014", "山形県", "山形市"), ("064611", "山形県", "遊佐町"), ("072010", "福島県", "福島市"),
    ("075647", "福島県", "飯舘村"), ("082015", "茨城県", "水戸市"), ("083411", "茨城県", "東海村"),
    ("092011", "栃木県", "宇都宮市"), ("094072", "栃木県", "那須町"), ("102016", "群馬県", "前橋市"),
    ("104264", "群馬県", "草津町"), ("111007", "埼玉県", "さいたま市"), ("113697", "埼玉県", "東秩父村"),
    ("121002", "千葉県", "千葉市"), ("122271", "千葉県", "浦安市"), ("131016", "東京都", "千代田区"),
    ("131041", "東京都", "新宿区"), ("131130", "東京都", "渋谷区"), ("131237", "東京都", "江戸川区"),
    ("132012", "東京都", "八王子市"), ("134023", "東京都", "青ヶ島村"), ("134210", "東京都", "小笠原村"),
    ("141003", "神奈川県", "横浜市"), ("141305", "神奈川県", "川崎市"), ("143821", "神奈川県", "箱根町"),
    ("151009", "新潟県", "新潟市"), ("155861", "新潟県", "粟島浦村"), ("162019", "富山県", "富山市"),
    ("163210", "富山県", "舟橋村"), ("172014", "石川県", "金沢市"), ("182010", "福井県", "福井市"),
    ("183229", "福井県", "永平寺町"), ("192015", "山梨県", "甲府市"), ("194255", "山梨県", "山中湖村"),
    ("202011", "長野県", "長野市"), ("203211", "長野県", "軽井沢町"), ("204854", "長野県", "白馬村"),
    ("212016", "岐阜県", "岐阜市"), ("216046", "岐阜県", "白川村"), ("221007", "静岡県", "静岡市"),
    ("221309", "静岡県", "浜松市"), ("231002", "愛知県", "名古屋市"), ("234273", "愛知県", "飛島村"),
    ("242012", "三重県", "津市"), ("252018", "滋賀県", "大津市"), ("261009", "京都府", "京都市"),
    ("264636", "京都府", "伊根町"), ("271004", "大阪府", "大阪市"), ("271403", "大阪府", "堺市"),
    ("273830", "大阪府", "千早赤阪村"), ("281000", "兵庫県", "神戸市"), ("292010", "奈良県", "奈良市"),
    ("294497", "奈良県", "十津川村"), ("302015", "和歌山県", "和歌山市"), ("304221", "和歌山県", "太地町"),
    ("312011", "鳥取県", "鳥取市"), ("313840", "鳥取県", "日吉津村"), ("322016", "島根県", "松江市"),
    ("325252", "島根県", "海士町"), ("331007", "岡山県", "岡山市"), ("336432", "岡山県", "西粟倉村"),
    ("341002", "広島県", "広島市"), ("352039", "山口県", "山口市"), ("362018", "徳島県", "徳島市"),
    ("363022", "徳島県", "上勝町"), ("372013", "香川県", "高松市"), ("373648", "香川県", "直島町"),
    ("382019", "愛媛県", "松山市"), ("392014", "高知県", "高知市"), ("393061", "高知県", "馬路村"),
    ("401005", "福岡県", "北九州市"), ("401307", "福岡県", "福岡市"), ("412015", "佐賀県", "佐賀市"),
    ("422011", "長崎県", "長崎市"), ("424111", "長崎県", "新上五島町"), ("431001", "熊本県", "熊本市"),
    ("442011", "大分県", "大分市"), ("452017", "宮崎県", "宮崎市"), ("454303", "宮崎県", "椎葉村"),
    ("462012", "鹿児島県", "鹿児島市"), ("465356", "鹿児島県", "与論町"), ("472018", "沖縄県", "那覇市"),
    ("473821", "沖縄県", "与那国町"),
    # 行政区 of designated cities (HeRoMo/japanese_local_governments)
    ("011011", "北海道", "札幌市中央区"), ("011100", "北海道", "札幌市清田区"), ("041017", "宮城県", "仙台市青葉区"),
    ("231061", "愛知県", "名古屋市中区"), ("261041", "京都府", "京都市中京区"), ("271098", "大阪府", "大阪市天王寺区"),
    ("271284", "大阪府", "大阪市中央区"), ("271471", "大阪府", "堺市美原区"), ("281107", "兵庫県", "神戸市中央区"),
    ("341011", "広島県", "広島市中区"),
]  # fmt: skip

PUBLISHED = [(code, name, name) for name, code in PREFECTURES.items()] + MUNICIPALITIES
IDS = [f"{code}-{name}" for code, _, name in PUBLISHED]


def test_the_lists_are_what_they_claim():
    assert len(PREFECTURES) == 47
    assert sorted(code[:2] for code in PREFECTURES.values()) == [f"{n:02d}" for n in range(1, 48)]
    assert len({code for code, _, _ in PUBLISHED}) == len(PUBLISHED)
    assert {prefecture for _, prefecture, _ in MUNICIPALITIES} == set(PREFECTURES)  # every prefecture has some


@pytest.mark.parametrize(("code", "prefecture", "name"), PUBLISHED, ids=IDS)
def test_published_codes_are_valid(code, prefecture, name):
    prefix = PREFECTURES[prefecture][:2]
    assert lgcode.check_digit(code[:5]) == int(code[5]), name
    assert lgcode.problem(code, prefix) is None, name
    assert lgcode.problem(code, None) is None, name
    assert lgcode.is_valid(code, prefix)
    assert lgcode.is_valid(code)


@pytest.mark.parametrize(("code", "prefecture", "name"), PUBLISHED, ids=IDS)
def test_published_codes_with_another_last_digit_are_refused(code, prefecture, name):
    prefix = PREFECTURES[prefecture][:2]
    for wrong in "0123456789".replace(code[5], ""):
        typo = code[:5] + wrong
        # The message names the published check digit.
        assert lgcode.problem(typo, prefix) == (
            f"団体コードの検査数字（6桁目）が一致しません。{code[:5]} の検査数字は {code[5]} です。"
        ), typo
        assert not lgcode.is_valid(typo)


def test_the_demo_code_is_valid():
    # 109991 is the fictional code of resources/demo/demo.json, worked by hand:
    # Σ = 1×6 + 0×5 + 9×4 + 9×3 + 9×2 = 87; 87 mod 11 = 10; (11 − 10) mod 10 = 1.
    assert lgcode.check_digit("10999") == 1
    assert lgcode.is_valid("109991", "10")


def test_check_digit_edge_cases_of_the_modulus():
    assert lgcode.check_digit("00000") == 1  # Σ = 0: (11 − 0) mod 10 = 1
    assert lgcode.check_digit("00006") == 0  # Σ = 12 → 1: (11 − 1) mod 10 = 0
    assert lgcode.check_digit("00005") == 1  # Σ = 10 → 10: (11 − 10) mod 10 = 1
    assert lgcode.check_digit("10001") == 3  # Σ = 6 + 2 = 8: 11 − 8 = 3


@pytest.mark.parametrize("bad", ["0110", "011", "a1100", "０1100", "011002"])
def test_check_digit_requires_five_ascii_digits(bad):
    with pytest.raises(ValueError):
        lgcode.check_digit(bad)


def test_leading_zero_codes_stay_text():
    assert lgcode.normalise("011002") == "011002"
    assert lgcode.normalise(" 011002 ") == "011002"
    assert isinstance(lgcode.normalise("011002"), str)
    assert lgcode.is_valid(lgcode.normalise("011002"), "01")


def test_full_width_input_is_normalised():
    assert lgcode.normalise("０１１００２") == "011002"
    assert lgcode.normalise("　１３１０１６　") == "131016"
    assert lgcode.is_valid(lgcode.normalise("２７１００４"), "27")


def assert_japanese(message: str | None, *words: str) -> None:
    assert message is not None
    assert JAPANESE.search(message), message
    assert any(word in message for word in words), message


def test_wrong_check_digit():
    message = lgcode.problem("011003", "01")
    assert_japanese(message, "検査数字")
    assert "2" in message  # names the right check digit
    assert not lgcode.is_valid("011003")


def test_wrong_prefecture_prefix():
    message = lgcode.problem("131016", "01")
    assert_japanese(message, "都道府県")
    assert "13" in message and "01" in message
    assert not lgcode.is_valid("131016", "01")


@pytest.mark.parametrize("bad", ["", "01100", "0110021", "01100A", "01-002", "０１１００２", "011 02"])
def test_wrong_length_or_non_digits(bad):
    assert_japanese(lgcode.problem(bad, "01"), "団体コード")
    assert not lgcode.is_valid(bad)
