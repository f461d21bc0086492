"""Form fields and helpers shared by the features' forms."""

from __future__ import annotations

import math
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any, Generic, TypeVar

from flask_babel import lazy_gettext as _l
from flask_wtf import FlaskForm
from wtforms import (
    FloatField,
    HiddenField,
    IntegerField,
    SelectField,
    StringField,
    SubmitField,
)
from wtforms.fields.choices import SelectChoice
from wtforms.validators import (
    DataRequired,
    InputRequired,
    Length,
    NumberRange,
    Optional,
    ValidationError,
)
from wtforms.widgets import TextInput

from aidregistry.domain.places import GeocodingError, Place
from aidregistry.models import MAX_QUANTITY
from aidregistry.services.places import place_by_coordinates
from aidregistry.web.geocoder import get_geocoder


def as_choices(pairs: Any) -> list[SelectChoice]:
    """(value, label) pairs as WTForms choice objects."""
    return [SelectChoice(str(value), label) for value, label in pairs]


class QuantityField(IntegerField):
    """A whole number that may be typed with thousands separators ("1,000,000").

    A text input (not type=number, which refuses separators) with a numeric keyboard.
    """

    widget = TextInput()
    data: int | None

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        kwargs.setdefault("render_kw", {"inputmode": "numeric", "autocomplete": "off"})
        super().__init__(*args, **kwargs)

    def process_formdata(self, valuelist: list[Any]) -> None:
        if valuelist and isinstance(valuelist[0], str):
            valuelist = [valuelist[0].replace(",", "").replace("_", "").replace(" ", "")]
        try:
            super().process_formdata(valuelist)
        except ValueError as exc:
            self.data = None
            raise ValueError(str(_l("Enter a whole number, such as 20000."))) from exc


def finite(_form: Any, field: Any) -> None:
    """Refuse NaN and infinities, which float() accepts."""
    if field.data is not None and not math.isfinite(field.data):
        raise ValidationError(str(_l("Enter a real number.")))


def quantity_validators() -> list[Any]:
    """Present, positive, and below the registry's ceiling."""
    return [
        InputRequired(_l("Enter a quantity.")),
        NumberRange(
            min=1,
            max=MAX_QUANTITY,
            message=_l("Enter a quantity from 1 to %(max)s.", max=f"{MAX_QUANTITY:,}"),
        ),
    ]


def place_field(description: Any) -> StringField:
    """The typed place, with a hint of what it may be."""
    return StringField(
        _l("Place"),
        validators=[DataRequired(_l("Enter a place.")), Length(max=200)],
        description=description,
    )


class PlaceMixin:
    """A typed place, optional coordinates, and a choice among candidates."""

    place = place_field(
        _l(
            "A city with its country or state, a Chinese address or an airport, e.g. "
            "Newark, NJ; 浙江省杭州市余杭区; PVG"
        )
    )
    lat = FloatField(
        _l("Latitude"),
        validators=[Optional(), finite, NumberRange(-90, 90, _l("Latitude is -90 to 90."))],
    )
    lon = FloatField(
        _l("Longitude"),
        validators=[Optional(), finite, NumberRange(-180, 180, _l("Longitude is -180 to 180."))],
    )
    place_choice = SelectField(_l("Which place do you mean?"), choices=[], validate_choice=False)
    # Offered after a failed lookup: the same form, saved with the coordinates typed below.
    use_coordinates = SubmitField(_l("Use these coordinates"))


def resolve_place(form: Any, country_hint: str | None = None) -> Place | None:
    """The place the form names; on failure or ambiguity, a field error and None."""
    if form.use_coordinates.data and (form.lat.data is None or form.lon.data is None):
        form.lat.errors.append(str(_l("Enter the latitude and longitude to use.")))
        return None
    if form.lat.data is not None or form.lon.data is not None:
        if form.lat.data is None or form.lon.data is None:
            form.lat.errors.append(str(_l("Give both latitude and longitude, or neither.")))
            return None
        # The text may only describe the spot; the nearest city then names it ("near ...").
        form.resolved = place_by_coordinates(
            get_geocoder(), form.place.data, form.lat.data, form.lon.data, country_hint
        )
        return form.resolved  # type: ignore[no-any-return]
    try:
        candidates = get_geocoder().search(form.place.data, country_hint=country_hint, limit=5)
    except GeocodingError as exc:
        form.place.errors.append(str(_l(exc.message)))
        return None
    if not candidates:
        form.place.errors.append(
            str(
                _l(
                    "We could not find this place. Check the spelling, add "
                    "the country, or enter coordinates."
                )
            )
        )
        return None
    return _choose(form, candidates)


def _choose(form: Any, candidates: list[Place]) -> Place | None:
    keys = [f"{c.lat:.4f},{c.lon:.4f}" for c in candidates]
    if form.place_choice.data in keys:
        form.resolved = candidates[keys.index(form.place_choice.data)]
        return form.resolved  # type: ignore[no-any-return]
    if _ambiguous(candidates):
        form.place_choice.choices = as_choices(
            zip(keys, (c.label for c in candidates), strict=True)
        )
        form.place_choice.errors = [str(_l("Several places have this name; choose one."))]
        return None
    form.resolved = candidates[0]  # shown on the form's map if another field has an error
    return candidates[0]


def _ambiguous(candidates: list[Place]) -> bool:
    """Two or more candidates of similar size, or of no known size: the person must choose.

    Districts and airports carry no population: two of them ("朝阳区" in Beijing and in
    Changchun; the three airports of Milan) are as alike as two towns of one size.
    """
    if len(candidates) < 2:
        return False
    first, second = candidates[0].population, candidates[1].population
    return first == 0 or second * 5 > first


class VersionForm(FlaskForm):
    """Carries the version of the record being edited, to catch a second save."""

    version = HiddenField()


def version_of(form: Any) -> int | None:
    """The version the person saw, when the form carries one."""
    raw = getattr(form, "version", None)
    return int(raw.data) if raw is not None and str(raw.data or "").isdigit() else None


def show_service_error(form: Any, exc: Any) -> None:
    """Put a refused operation's message on the field it names, or flash it."""
    from flask import flash
    from flask_babel import gettext

    from aidregistry.services.errors import FieldErrors

    if isinstance(exc, FieldErrors) and form is not None:
        for field, message in exc.errors:
            target = getattr(form, field, None)
            if target is not None:
                target.errors = [*target.errors, gettext(message)]
            else:
                flash(gettext(message), "danger")
        return
    target = getattr(form, exc.field, None) if form is not None and exc.field else None
    if target is not None:
        target.errors = [*target.errors, gettext(exc.message)]
    else:
        flash(gettext(exc.message), "danger")


T = TypeVar("T")


@dataclass(frozen=True)
class Done(Generic[T]):
    """What a committed service call returned (always true, even when the value is not)."""

    value: T


def commit_or_refuse(
    action: Callable[[], T], form: Any = None, show: Callable[[Any], None] | None = None
) -> Done[T] | None:
    """Run one service call in the request's transaction and end the transaction.

    When the service refuses (ServiceError), roll back, show its message — by ``show``, or on
    the form's field it names, or as a flash — and return None; else commit and return the
    call's result.
    """
    from aidregistry.extensions import db
    from aidregistry.services.errors import ServiceError

    try:
        value = action()
    except ServiceError as exc:
        db.session.rollback()
        if show is not None:
            show(exc)
        else:
            show_service_error(form, exc)
        return None
    db.session.commit()
    return Done(value)
