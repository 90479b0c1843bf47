"""The county's own sections of the self-assessment (issue #14): a cited figure renders the period's
value, an unknown name stops the run naming file and line, a missing section shows the placeholder,
the text is escaped; docs/narrative.md lists every name."""

from __future__ import annotations

import pytest
from form_fixtures import META, STD, results

from analysis.errors import RawDataError
from analysis.reporting import narrative


@pytest.fixture()
def values() -> dict[str, str]:
    return narrative.narrative_values(results(), STD, META, "2021")


def _county(tmp_path, **sections: str):
    folder = tmp_path / "county" / narrative.NARRATIVE_DIR
    folder.mkdir(parents=True)
    for name, text in sections.items():
        (folder / f"{name}.md").write_text(text, encoding="utf-8")
    return tmp_path / "county"


def test_a_cited_figure_renders_the_periods_value(tmp_path, values):
    county = _county(tmp_path, 基本情况="全县有小学 {{ 小学学校数 }} 所，义务教育在校生 {{在校生总数}} 人。\n\n"
                                      "小学体育艺术教师差异系数 {{ L3.小学.差异系数 }}，综合 {{ 综合.小学.差异系数 }}；"
                                      "教师培训完成率 {{ G9.完成率 }}，{{ G5.结果 }}。")
    out = narrative.render_narrative(county, values)
    # figures of form_fixtures: 18 小学, 6074 pupils; L3's 小学 CV 0.4203 → 0.420 (3 decimals);
    # the composite (0.1464+0.2131+0.4203+0.0371+0.0432+0.0404+0.1412)/7 = 0.148814 → 0.149;
    # 540/545 = 0.990826 → 99.1%; G5 未达标 in the hand-made verdict
    assert out["基本情况"] == ("全县有小学 18 所，义务教育在校生 6074 人。\n\n小学体育艺术教师差异系数 0.420，综合 0.149；"
                              "教师培训完成率 99.1%，未达标。")
    assert out["主要做法和成效"] is None and out["存在问题"] is None  # not written


def test_a_figure_without_its_inputs_is_no_data_not_zero(tmp_path, values):
    county = _county(tmp_path, 存在问题="随迁子女在公办学校就读 {{ G15.公办学校就读数 }} 人。")
    assert narrative.render_narrative(county, values)["存在问题"] == "随迁子女在公办学校就读 （无数据） 人。"


def test_an_unknown_name_stops_the_run_naming_file_and_line(tmp_path, values):
    county = _county(tmp_path, 下一步打算="第一行。\n\n第三行引用 {{ 在校生数 }} 人。")
    with pytest.raises(RawDataError) as exc:
        narrative.render_narrative(county, values)
    msg = str(exc.value)
    assert "下一步打算.md" in msg and "第 3 行" in msg and "在校生数" in msg and "line 3" in msg
    assert "在校生总数" in msg  # a near name is suggested


def test_an_unknown_section_file_is_refused(tmp_path, values):
    county = _county(tmp_path, 主要做法="写错了文件名。")
    with pytest.raises(RawDataError, match="主要做法.md"):
        narrative.render_narrative(county, values)


def test_a_file_that_is_not_utf8_is_refused(tmp_path, values):
    county = _county(tmp_path)
    (county / narrative.NARRATIVE_DIR / "基本情况.md").write_bytes("基本情况".encode("gbk"))
    with pytest.raises(RawDataError, match="UTF-8"):
        narrative.render_narrative(county, values)


def test_missing_section_shows_the_marked_placeholder():
    assert narrative.section_html(None) == '<p class="narrative-placeholder">（此节由县教育局填写）</p>'
    assert "（此节由县教育局填写）" in narrative.section_html("  \n")


def test_text_is_escaped_offline_and_joined():
    html = narrative.section_html("<script>alert(1)</script>\n\n见[文件](javascript:alert(1))和"
                                  "![图](http://example.com/x.png)。\n根据\n本期，\n\n# 小标题\n\n- 一项")
    assert "<script>" not in html and "&lt;script&gt;" in html
    assert "<a " not in html and "href" not in html and "<img" not in html and "src=" not in html
    assert "见文件和〔图：图〕。" in html  # a link shows its text, an image its description
    assert "根据本期，" in html  # a line break between two Chinese characters is no space
    assert "<h4>小标题</h4>" in html and "<li>一项</li>" in html


def test_the_names_list_in_docs_is_generated():
    assert narrative.DOCS_FILE.read_text(encoding="utf-8") == narrative.catalogue_markdown(STD), (
        "docs/narrative.md is out of step: run python -m analysis.reporting.narrative")
    names = [n for n, _ in narrative.name_catalogue(STD)]
    assert len(names) == len(set(names))
    assert {"在校生总数", "L3.小学.差异系数", "综合.初中.差异系数", "G9.完成率", "S1.结果"} <= set(names)


def test_windows_line_ends_an_open_brace_and_lock_files(tmp_path, values):
    county = _county(tmp_path, 基本情况="第一行\r\n第二行 {{ 小学学校数 }} 所。\r\n")
    (county / narrative.NARRATIVE_DIR / "~$基本情况.md").write_bytes(b"\x00lock")  # an editor's lock file
    out = narrative.render_narrative(county, values)["基本情况"]
    assert out == "第一行\n第二行 18 所。\n"
    assert "第一行第二行" in narrative.section_html(out)
    (county / narrative.NARRATIVE_DIR / "存在问题.md").write_text("一\n二 {{ 小学学校数 } 所", encoding="utf-8")
    with pytest.raises(RawDataError, match="存在问题.md 第 2 行"):
        narrative.render_narrative(county, values)
