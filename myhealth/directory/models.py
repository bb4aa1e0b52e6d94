"""The directory's organisations and practitioners live in myhealth.people (the base domain
that access and every other domain stand on); these names are kept for code written before
the move."""

from myhealth.people.models import Organisation, OrganisationKind, Practitioner

__all__ = ["Organisation", "OrganisationKind", "Practitioner"]
