"""ipywidgets controls for the what-if (notebooks/explore.py): the same functions as plain code.

:class:`Panel` puts a form on a :class:`~analysis.whatif.session.WhatIf`: the kind of change, the
school (and the receiving school for a move), the stage, the subject, the amount; buttons to add
the change, undo the last one, clear them all, and save the what-if as a scenario file. After
every change the outcome (:func:`analysis.whatif.show.outcome_html`) is shown again.

:meth:`Panel.change` turns the form's values into the arguments of ``WhatIf.add`` and
:meth:`Panel.apply` adds that change; both work without a browser (a headless papermill run uses
the form's default values), and the tests call them directly.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

import ipywidgets as W
from IPython.display import HTML, display

from analysis import schemas
from analysis.reporting.html import esc
from analysis.whatif.session import AREA_NAMES, ENTRANTS, KIND_NAMES, KINDS, WhatIf, WhatIfError
from analysis.whatif.show import outcome_html

#: what the amount field means for each kind
AMOUNT_LABELS = {"moves": "人数", "hires": "人数", "designations": "人数", "construction": "面积（㎡）",
                 "equipment": "金额（元）", "multimedia": "间数", "special_rooms": "间数", ENTRANTS: "新生人数"}
#: the form's defaults: a change every county can make (add teaching-room area to the first school)
DEFAULT_KIND = "construction"
DEFAULT_AMOUNT = 500.0


class Panel:
    """The what-if form and its outcome area (``display(panel.widget)``).

    ``live=False`` builds the form without filling its outcome area (an ``Output`` widget): for a
    run without a browser (papermill), where only the form's default values are used
    (:meth:`apply`) and nothing is displayed. Capturing output into an ``Output`` widget while
    nbclient executes the cell can leave the cell waiting forever (jupyter/nbclient#312).
    """

    def __init__(self, whatif: WhatIf, live: bool = True):
        self.w = whatif
        self.live = live
        schools = [(f"{n}（{c}）", c) for c, n in whatif.school_names.items()]
        teachers = whatif.tables["teachers"]
        subjects = sorted(set(teachers["subject"].dropna().astype(str)))
        style = {"description_width": "7em"}
        self.kind = W.Dropdown(options=[(KIND_NAMES[k], k) for k in KINDS], value=DEFAULT_KIND,
                               description="改动", style=style)
        self.school = W.Dropdown(options=schools, value=schools[0][1] if schools else None, description="学校",
                                 style=style)
        self.to_school = W.Dropdown(options=schools, value=schools[-1][1] if schools else None,
                                    description="调入学校", style=style)
        self.stage = W.Dropdown(options=list(schemas.STAGES), value=schemas.STAGES[0], description="学段", style=style)
        self.subject = W.Combobox(options=subjects, value="", placeholder="任意学科（交流）/ 必填（招聘）",
                                  description="学科", style=style, ensure_option=False)
        self.area = W.Dropdown(options=[(v, k) for k, v in AREA_NAMES.items()], value="teaching_aux_m2",
                               description="面积类别", style=style)
        self.room_type = W.Dropdown(options=list(schemas.ROOM_TYPES), description="教室类型", style=style)
        self.room_area = W.FloatText(value=96.0, description="每间面积㎡", style=style)
        self.level = W.Dropdown(options=list(schemas.BACKBONE_LEVELS[1:]), value=schemas.BACKBONE_LEVELS[1],
                                description="骨干级别", style=style)
        self.amount = W.FloatText(value=DEFAULT_AMOUNT, description=AMOUNT_LABELS[DEFAULT_KIND], style=style)
        self.add_button = W.Button(description="添加改动", button_style="primary")
        self.undo_button = W.Button(description="撤销上一项")
        self.reset_button = W.Button(description="全部清空")
        self.name = W.Text(value="", placeholder="情景名称", description="情景名称", style=style)
        self.path = W.Text(value="", placeholder="如 my_scenarios/plan.yaml", description="保存到", style=style)
        self.save_button = W.Button(description="保存为情景")
        self.message = W.HTML()
        self.output = W.Output()
        self.kind.observe(lambda _: self._show_fields(), names="value")
        self.add_button.on_click(lambda _: self._guard(self.apply))
        self.undo_button.on_click(lambda _: self._guard(self.w.undo))
        self.reset_button.on_click(lambda _: self._guard(self.w.reset))
        self.save_button.on_click(lambda _: self._guard(self.save))
        self._show_fields()
        self.widget = W.VBox([
            W.HBox([W.VBox([self.kind, self.school, self.to_school, self.stage, self.subject]),
                    W.VBox([self.area, self.room_type, self.room_area, self.level, self.amount])]),
            W.HBox([self.add_button, self.undo_button, self.reset_button]),
            W.HBox([self.name, self.path, self.save_button]),
            self.message, self.output,
        ])
        if live:
            self.refresh()

    # ---- the form → WhatIf.add
    def change(self) -> tuple[str, dict[str, Any]]:
        """The form's values as ``(kind, fields)`` for ``WhatIf.add``."""
        kind, amount = self.kind.value, self.amount.value
        count = int(round(amount)) if amount is not None else None
        subject = (self.subject.value or "").strip() or None
        if kind == "moves":
            return kind, {"from_school": self.school.value, "to_school": self.to_school.value, "stage": self.stage.value,
                          "count": count, "subject": subject}
        if kind == "hires":
            return kind, {"school": self.school.value, "stage": self.stage.value, "subject": subject, "count": count}
        if kind == "designations":
            return kind, {"school": self.school.value, "stage": self.stage.value, "count": count,
                          "level": self.level.value}
        if kind == "construction":
            return kind, {"school": self.school.value, self.area.value: amount}
        if kind == "equipment":
            return kind, {"school": self.school.value, "yuan": amount}
        if kind == "multimedia":
            return kind, {"school": self.school.value, "rooms": count}
        if kind == "special_rooms":
            return kind, {"school": self.school.value, "room_type": self.room_type.value, "count": count,
                          "area_m2": self.room_area.value}
        return kind, {"school": self.school.value, "count": count}

    def apply(self):
        """Add the form's change to the what-if and show the outcome."""
        kind, fields = self.change()
        return self.w.add(kind, **fields)

    def save(self) -> Path:
        path = self.w.save_scenario(self.path.value.strip(), name=self.name.value.strip())
        self.message.value = f"<p>已保存情景文件：{esc(path)}</p>"
        return path

    # ---- display
    def _show_fields(self) -> None:
        kind = self.kind.value
        shown = {"to_school": kind == "moves", "stage": kind in ("moves", "hires", "designations"),
                 "subject": kind in ("moves", "hires"), "area": kind == "construction",
                 "room_type": kind == "special_rooms", "room_area": kind == "special_rooms",
                 "level": kind == "designations"}
        for name, visible in shown.items():
            getattr(self, name).layout.display = None if visible else "none"
        self.amount.description = AMOUNT_LABELS[kind]

    def _guard(self, action) -> None:
        try:
            action()
            self.message.value = ""
        except WhatIfError as exc:
            self.message.value = f'<p style="color:#b42318">{esc(exc)}</p>'
        self.refresh()

    def refresh(self) -> None:
        if not self.live:
            return
        self.output.clear_output(wait=True)
        with self.output:
            display(HTML(outcome_html(self.w)))


def panel(whatif: WhatIf, live: bool = True) -> Panel:
    """The what-if form for ``whatif`` (display ``panel(w).widget``); ``live=False``: see :class:`Panel`."""
    return Panel(whatif, live=live)
