"""The one policy that decides who may see or do what, and the audit trail of what they did.

- ``policy``: permissions by role, and the object-level check for one patient's data;
- ``scoping``: the same rule for lists: ``scope(statement, actor, permission)``;
- ``services``: policy-checked, audited reads, and the audit trail itself.
"""

from myhealth.access.scoping import checked, internal, scope, scoped, visible

__all__ = ["checked", "internal", "scope", "scoped", "visible"]
