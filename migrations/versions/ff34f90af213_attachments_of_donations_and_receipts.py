"""attachments of donations and receipts

Certificates, test reports and photos of markings and packaging on donations, inspection
photos on receipts: the file's type as its content showed, its size and hash, the key of
its bytes in the file storage, the name it was sent with, and whether the donor made it
public.

Revision ID: ff34f90af213
Revises: 299af5431311
Create Date: 2026-12-07 18:56:01.650123

"""
from alembic import op
import sqlalchemy as sa

import aidregistry.models.base


# revision identifiers, used by Alembic.
revision = 'ff34f90af213'
down_revision = '299af5431311'
branch_labels = None
depends_on = None


def upgrade():
    op.create_table('attachment',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('donation_id', sa.Integer(), nullable=True),
    sa.Column('receipt_id', sa.Integer(), nullable=True),
    sa.Column('certificate_id', sa.Integer(), nullable=True, comment='the certificate it documents'),
    sa.Column('kind', sa.Enum('certificate', 'test_report', 'marking_photo', 'packaging_photo', 'inspection_photo', 'other', name='attachment_kind', native_enum=False, create_constraint=True, length=32), nullable=False),
    sa.Column('content_type', sa.Enum('application/pdf', 'image/png', 'image/jpeg', 'image/webp', name='attachment_type', native_enum=False, create_constraint=True, length=32), nullable=False, comment='told by the content, not the name'),
    sa.Column('size', sa.Integer(), nullable=False, comment='bytes'),
    sa.Column('sha256', sa.String(length=64), nullable=False),
    sa.Column('storage_key', sa.String(length=200), nullable=False, comment='key in the file storage'),
    sa.Column('filename', sa.String(length=200), nullable=False, comment='the name it was sent with'),
    sa.Column('public', sa.Boolean(), nullable=False, comment="shown to everyone (the donor's choice)"),
    sa.Column('uploaded_by_id', sa.Integer(), nullable=True),
    sa.Column('created_at', aidregistry.models.base.UTCDateTime(timezone=True), nullable=False),
    sa.Column('updated_at', aidregistry.models.base.UTCDateTime(timezone=True), nullable=False),
    sa.CheckConstraint('(donation_id IS NULL) <> (receipt_id IS NULL)', name=op.f('ck_attachment_one_record')),
    sa.CheckConstraint('size > 0', name=op.f('ck_attachment_size_positive')),
    sa.ForeignKeyConstraint(['certificate_id'], ['certificate.id'], name=op.f('fk_attachment_certificate_id_certificate'), ondelete='SET NULL'),
    sa.ForeignKeyConstraint(['donation_id'], ['donation.id'], name=op.f('fk_attachment_donation_id_donation'), ondelete='CASCADE'),
    sa.ForeignKeyConstraint(['receipt_id'], ['receipt.id'], name=op.f('fk_attachment_receipt_id_receipt'), ondelete='CASCADE'),
    sa.ForeignKeyConstraint(['uploaded_by_id'], ['user_account.id'], name=op.f('fk_attachment_uploaded_by_id_user_account')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_attachment'))
    )
    with op.batch_alter_table('attachment', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_attachment_donation_id'), ['donation_id'], unique=False)
        batch_op.create_index(batch_op.f('ix_attachment_receipt_id'), ['receipt_id'], unique=False)



def downgrade():
    with op.batch_alter_table('attachment', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_attachment_receipt_id'))
        batch_op.drop_index(batch_op.f('ix_attachment_donation_id'))

    op.drop_table('attachment')
