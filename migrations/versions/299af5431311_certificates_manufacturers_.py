"""certificates and manufacturers as records; authorisation lists

A donation's six free-text certificate fields become certificate records and its
manufacturer text names a manufacturer record. Nothing the users wrote is lost: a value
valid in its scheme's printed form becomes a record with its canonical number; any other
value (n/a, pending, a malformed number, a notified body without its CE number or not
designated for the goods) becomes a record kept as "declared, not valid", with the text as
written and the reason. The manufacturer text stays on the donation as typed.

The rules are the domain's (aidregistry/domain/evidence), and the notified bodies' scopes
those shipped in aidregistry/data/lists/eu_notified_bodies.csv. Downgrading writes each
certificate's text back into the fields it came from.

Revision ID: 299af5431311
Revises: 7c2e4f1a9b3d
Create Date: 2026-12-07 18:15:15.717536

"""

import csv
from datetime import UTC, datetime
from importlib import resources

import sqlalchemy as sa
from alembic import op

import aidregistry.models.base
from aidregistry.domain.evidence.declared import Declared, problems_of
from aidregistry.domain.evidence.listings import ListingEntry
from aidregistry.domain.evidence.makers import maker_keys, name_key, split_scripts
from aidregistry.domain.evidence.numbers import Scheme, parse_number

# revision identifiers, used by Alembic.
revision = '299af5431311'
down_revision = '7c2e4f1a9b3d'
branch_labels = None
depends_on = None

FIELDS = (  # the old columns, in the order their certificates are created
    ("NMPA", "cert_nmpa"), ("FDA_EUA", "cert_fda_eua"), ("FDA_510K", "cert_fda_510k"),
    ("CE", "cert_ce"), ("NIOSH", "cert_niosh"),
)
OLD_LENGTHS = {"cert_nmpa": 100, "cert_fda_eua": 100, "cert_fda_510k": 100, "cert_ce": 100,
               "cert_ce_notified_body": 16, "cert_niosh": 100}


def upgrade():
    op.create_table('authorisation_list',
    sa.Column('code', sa.String(length=40), nullable=False),
    sa.Column('scheme', sa.Enum('NMPA', 'FDA_EUA', 'FDA_510K', 'CE', 'NIOSH', 'TEST_REPORT', name='list_scheme', native_enum=False, create_constraint=True, length=32), nullable=True, comment='empty: each entry names its scheme'),
    sa.Column('match_by', sa.String(length=8), nullable=False, comment='number or maker: how a lot is found on it'),
    sa.Column('name', sa.Text(), nullable=False),
    sa.Column('authority', sa.String(length=200), nullable=False),
    sa.Column('in_force_from', sa.Date(), nullable=True),
    sa.Column('in_force_until', sa.Date(), nullable=True, comment='first day not in force'),
    sa.Column('source_document', sa.Text(), nullable=False),
    sa.Column('source_date', sa.String(length=10), nullable=False, comment='YYYY, YYYY-MM or YYYY-MM-DD'),
    sa.Column('source_url', sa.Text(), nullable=False),
    sa.Column('note', sa.Text(), nullable=False),
    sa.Column('complete', sa.Boolean(), nullable=False, comment="the authority's full file is loaded, not a subset"),
    sa.Column('loaded_at', aidregistry.models.base.UTCDateTime(timezone=True), nullable=True),
    sa.PrimaryKeyConstraint('code', name=op.f('pk_authorisation_list'))
    )
    op.create_table('manufacturer',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('name', sa.String(length=300), nullable=False),
    sa.Column('name_local', sa.String(length=300), nullable=True, comment='e.g. the Chinese name'),
    sa.Column('country', sa.String(length=2), nullable=True, comment='ISO 3166-1, when known'),
    sa.Column('name_key', sa.String(length=300), nullable=False, comment='comparison key of name (domain/evidence/makers.py)'),
    sa.Column('name_local_key', sa.String(length=300), nullable=True),
    sa.Column('created_at', aidregistry.models.base.UTCDateTime(timezone=True), nullable=False),
    sa.Column('updated_at', aidregistry.models.base.UTCDateTime(timezone=True), nullable=False),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_manufacturer'))
    )
    with op.batch_alter_table('manufacturer', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_manufacturer_name_key'), ['name_key'], unique=False)
        batch_op.create_index(batch_op.f('ix_manufacturer_name_local_key'), ['name_local_key'], unique=False)

    op.create_table('listing_entry',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('list_code', sa.String(length=40), nullable=False),
    sa.Column('scheme', sa.Enum('NMPA', 'FDA_EUA', 'FDA_510K', 'CE', 'NIOSH', 'TEST_REPORT', name='entry_scheme', native_enum=False, create_constraint=True, length=32), nullable=True, comment='when the list speaks for several'),
    sa.Column('maker', sa.String(length=300), nullable=True),
    sa.Column('maker_local', sa.String(length=300), nullable=True),
    sa.Column('maker_keys', sa.Text(), nullable=False, comment='name keys, | between'),
    sa.Column('country', sa.String(length=2), nullable=True),
    sa.Column('number', sa.String(length=100), nullable=True, comment='canonical number or body'),
    sa.Column('scope', sa.String(length=16), nullable=True, comment='e.g. PPE-RESP, MD, IVD'),
    sa.Column('designated', sa.Boolean(), nullable=False, comment='false: a source says NOT authorised for the scope'),
    sa.Column('listed_from', sa.Date(), nullable=True, comment="empty: the list's start"),
    sa.Column('removed_on', sa.Date(), nullable=True, comment='first day off the list'),
    sa.Column('models', sa.Text(), nullable=True),
    sa.Column('note', sa.Text(), nullable=False),
    sa.Column('source_document', sa.Text(), nullable=False),
    sa.Column('source_date', sa.String(length=10), nullable=False),
    sa.Column('source_url', sa.Text(), nullable=False),
    sa.Column('confidence', sa.String(length=16), nullable=False),
    sa.Column('row_number', sa.Integer(), nullable=True, comment='row in the file loaded'),
    sa.ForeignKeyConstraint(['list_code'], ['authorisation_list.code'], name=op.f('fk_listing_entry_list_code_authorisation_list'), ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_listing_entry'))
    )
    with op.batch_alter_table('listing_entry', schema=None) as batch_op:
        batch_op.create_index('ix_listing_entry_list_number', ['list_code', 'number'], unique=False)

    op.create_table('certificate',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('donation_id', sa.Integer(), nullable=False),
    sa.Column('scheme', sa.Enum('NMPA', 'FDA_EUA', 'FDA_510K', 'CE', 'NIOSH', 'TEST_REPORT', name='certificate_scheme', native_enum=False, create_constraint=True, length=32), nullable=False),
    sa.Column('number', sa.String(length=100), nullable=True, comment='canonical number; empty when declared, not valid'),
    sa.Column('declared_text', sa.String(length=200), nullable=False, comment='the number as typed'),
    sa.Column('notified_body', sa.String(length=4), nullable=True, comment='CE: four digits'),
    sa.Column('declared_body', sa.String(length=40), nullable=True, comment='the body as typed'),
    sa.Column('issuer', sa.String(length=300), nullable=True),
    sa.Column('holder_id', sa.Integer(), nullable=True),
    sa.Column('tested_standard', sa.String(length=100), nullable=True, comment='test reports'),
    sa.Column('valid_from', sa.Date(), nullable=True),
    sa.Column('valid_until', sa.Date(), nullable=True, comment='last day of validity'),
    sa.Column('verification', sa.Enum('invalid', 'declared', 'listed', 'not_listed', 'removed', 'verified', 'doubtful', 'counterfeit', name='certificate_state', native_enum=False, create_constraint=True, length=32), nullable=False),
    sa.Column('problem', sa.String(length=32), nullable=True, comment='why not valid (domain/evidence/problems.py)'),
    sa.Column('listing_entry_id', sa.Integer(), nullable=True),
    sa.Column('listed_from', sa.Date(), nullable=True, comment='on its list from'),
    sa.Column('listed_until', sa.Date(), nullable=True, comment='first day off its list'),
    sa.Column('checked_at', aidregistry.models.base.UTCDateTime(timezone=True), nullable=True, comment='automatic check'),
    sa.Column('decided_by_id', sa.Integer(), nullable=True),
    sa.Column('decided_at', aidregistry.models.base.UTCDateTime(timezone=True), nullable=True),
    sa.Column('decision_note', sa.Text(), nullable=True),
    sa.Column('created_at', aidregistry.models.base.UTCDateTime(timezone=True), nullable=False),
    sa.Column('updated_at', aidregistry.models.base.UTCDateTime(timezone=True), nullable=False),
    sa.CheckConstraint("verification = 'invalid' OR number IS NOT NULL", name=op.f('ck_certificate_valid_has_number')),
    sa.CheckConstraint('valid_from IS NULL OR valid_until IS NULL OR valid_from <= valid_until', name=op.f('ck_certificate_validity_order')),
    sa.ForeignKeyConstraint(['decided_by_id'], ['user_account.id'], name=op.f('fk_certificate_decided_by_id_user_account')),
    sa.ForeignKeyConstraint(['donation_id'], ['donation.id'], name=op.f('fk_certificate_donation_id_donation'), ondelete='CASCADE'),
    sa.ForeignKeyConstraint(['holder_id'], ['manufacturer.id'], name=op.f('fk_certificate_holder_id_manufacturer')),
    sa.ForeignKeyConstraint(['listing_entry_id'], ['listing_entry.id'], name=op.f('fk_certificate_listing_entry_id_listing_entry'), ondelete='SET NULL'),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_certificate'))
    )
    with op.batch_alter_table('certificate', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_certificate_donation_id'), ['donation_id'], unique=False)
        batch_op.create_index(batch_op.f('ix_certificate_holder_id'), ['holder_id'], unique=False)
        batch_op.create_index('ix_certificate_scheme_number', ['scheme', 'number'], unique=False)

    with op.batch_alter_table('donation', schema=None) as batch_op:
        batch_op.add_column(sa.Column('manufacturer_id', sa.Integer(), nullable=True, comment='the maker it was matched to'))
        batch_op.create_index(batch_op.f('ix_donation_manufacturer_id'), ['manufacturer_id'], unique=False)
        batch_op.create_foreign_key(batch_op.f('fk_donation_manufacturer_id_manufacturer'), 'manufacturer', ['manufacturer_id'], ['id'])
        batch_op.alter_column('manufacturer', existing_type=sa.String(length=200), existing_nullable=True, comment='the maker as typed')
    op.add_column('standard', sa.Column(
        'ce_scope', sa.String(length=16), nullable=False, server_default='',
        comment='what a CE notified body must be designated for'))
    _fill_ce_scopes(op.get_bind())
    _migrate_donations(op.get_bind())
    with op.batch_alter_table('donation', schema=None) as batch_op:
        for column in OLD_LENGTHS:
            batch_op.drop_column(column)


def downgrade():
    with op.batch_alter_table('standard', schema=None) as batch_op:
        batch_op.drop_column('ce_scope')
    with op.batch_alter_table('donation', schema=None) as batch_op:
        for column, length in OLD_LENGTHS.items():
            batch_op.add_column(sa.Column(column, sa.String(length=length), nullable=True))
    _restore_fields(op.get_bind())
    with op.batch_alter_table('donation', schema=None) as batch_op:
        batch_op.drop_constraint(batch_op.f('fk_donation_manufacturer_id_manufacturer'), type_='foreignkey')
        batch_op.drop_index(batch_op.f('ix_donation_manufacturer_id'))
        batch_op.drop_column('manufacturer_id')
        batch_op.alter_column('manufacturer', existing_type=sa.String(length=200), existing_nullable=True, comment=None, existing_comment='the maker as typed')

    with op.batch_alter_table('certificate', schema=None) as batch_op:
        batch_op.drop_index('ix_certificate_scheme_number')
        batch_op.drop_index(batch_op.f('ix_certificate_holder_id'))
        batch_op.drop_index(batch_op.f('ix_certificate_donation_id'))

    op.drop_table('certificate')
    with op.batch_alter_table('listing_entry', schema=None) as batch_op:
        batch_op.drop_index('ix_listing_entry_list_number')

    op.drop_table('listing_entry')
    with op.batch_alter_table('manufacturer', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_manufacturer_name_local_key'))
        batch_op.drop_index(batch_op.f('ix_manufacturer_name_key'))

    op.drop_table('manufacturer')
    op.drop_table('authorisation_list')


def _shipped(name):
    folder = resources.files("aidregistry.data")
    return list(csv.DictReader(folder.joinpath(name).read_text(encoding="utf-8").splitlines()))


def _fill_ce_scopes(bind):
    scopes = {row["code"]: row.get("ce_scope", "") for row in _shipped("standards.csv")}
    standard = sa.table("standard", sa.column("code", sa.String), sa.column("ce_scope", sa.String))
    for (code,) in bind.execute(sa.select(standard.c.code)).all():
        bind.execute(standard.update().where(standard.c.code == code)
                     .values(ce_scope=scopes.get(code, "")))


def _notified_bodies():
    rows = _shipped("lists/eu_notified_bodies.csv")
    return [ListingEntry(n, "EU-NANDO-NB", number=r["number"], scope=r["scope"] or None,
                         designated=r["designated"].strip().lower() != "no")
            for n, r in enumerate(rows)]


DONATION = sa.table(
    "donation", sa.column("id", sa.Integer), sa.column("standard_code", sa.String),
    sa.column("manufacturer", sa.String), sa.column("manufacturer_id", sa.Integer),
    *(sa.column(name, sa.String) for name in OLD_LENGTHS),
)
MANUFACTURER = sa.table(
    "manufacturer", sa.column("id", sa.Integer), sa.column("name", sa.String),
    sa.column("name_local", sa.String), sa.column("name_key", sa.String),
    sa.column("name_local_key", sa.String), sa.column("created_at", sa.DateTime(timezone=True)),
    sa.column("updated_at", sa.DateTime(timezone=True)),
)
CERTIFICATE = sa.table(
    "certificate", sa.column("donation_id", sa.Integer), sa.column("scheme", sa.String),
    sa.column("number", sa.String), sa.column("declared_text", sa.String),
    sa.column("notified_body", sa.String), sa.column("declared_body", sa.String),
    sa.column("issuer", sa.String), sa.column("holder_id", sa.Integer),
    sa.column("verification", sa.String), sa.column("problem", sa.String),
    sa.column("created_at", sa.DateTime(timezone=True)),
    sa.column("updated_at", sa.DateTime(timezone=True)),
)


class _Makers:
    """Manufacturer records made from the donations' texts, matched by equal keys only."""

    def __init__(self, bind, now):
        self.bind, self.now, self.keys = bind, now, {}

    def resolve(self, text):
        keys = maker_keys(text) if text and text.strip() else frozenset()
        if not keys:
            return None
        found = {self.keys[k] for k in keys if k in self.keys}
        if len(found) == 1:
            return found.pop()
        if found:
            return None  # the name matches two makers: link neither
        latin, han = split_scripts(text.strip())
        name = latin or han
        local = han if latin and han else None
        values = {"name": name[:300], "name_local": local[:300] if local else None,
                  "name_key": name_key(name), "name_local_key": name_key(local) if local else None,
                  "created_at": self.now, "updated_at": self.now}
        maker_id = self.bind.execute(MANUFACTURER.insert().values(**values)
                                     .returning(MANUFACTURER.c.id)).scalar_one()
        for key in keys:
            self.keys[key] = maker_id
        return maker_id


def _certificate(row, scheme, scopes, bodies):
    if scheme == "CE":
        text, body = row["cert_ce"] or "", row["cert_ce_notified_body"] or ""
    else:
        text, body = row[dict(FIELDS)[scheme]] or "", ""
    declared = Declared(Scheme(scheme), number=text, notified_body=body)
    if declared.is_blank:
        return None
    ok, problems = problems_of(declared, scopes.get(row["standard_code"]), bodies)
    values = {"scheme": scheme, "declared_text": text.strip()[:200],
              "declared_body": body.strip()[:40] or None}
    if ok is None:
        return {**values, "number": None, "notified_body": None, "issuer": None,
                "verification": "invalid", "problem": problems[0].problem.value}
    issuer = parse_number(Scheme(scheme), ok.number).issuer
    return {**values, "number": ok.number, "notified_body": ok.notified_body,
            "issuer": issuer, "verification": "declared", "problem": None}


def _migrate_donations(bind):
    now = datetime.now(UTC)
    scopes = {row["code"]: row.get("ce_scope") or None for row in _shipped("standards.csv")}
    bodies, makers = _notified_bodies(), _Makers(bind, now)
    for row in bind.execute(sa.select(DONATION).order_by(DONATION.c.id)).mappings().all():
        maker_id = makers.resolve(row["manufacturer"])
        if maker_id is not None:
            bind.execute(DONATION.update().where(DONATION.c.id == row["id"])
                         .values(manufacturer_id=maker_id))
        for scheme, _column in FIELDS:
            values = _certificate(row, scheme, scopes, bodies)
            if values is not None:
                bind.execute(CERTIFICATE.insert().values(
                    donation_id=row["id"], holder_id=maker_id, created_at=now, updated_at=now,
                    **values))


def _restore_fields(bind):
    """Downgrade: each certificate's text as written, back in the field it came from."""
    column_of = dict(FIELDS)
    query = sa.select(CERTIFICATE).order_by(CERTIFICATE.c.donation_id)
    for cert in bind.execute(query).mappings().all():
        if cert["scheme"] not in column_of:
            continue  # test reports had no field before
        values = {column_of[cert["scheme"]]: cert["declared_text"][:100] or None}
        if cert["scheme"] == "CE":
            values["cert_ce_notified_body"] = (cert["declared_body"] or "")[:16] or None
        bind.execute(DONATION.update().where(DONATION.c.id == cert["donation_id"]).values(**values))
