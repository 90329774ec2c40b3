"""What OpenAPI cannot state about Shipshape's API, for the contract run in `cargo xtask test`.

QQL text (`format: qql` in the document) is checked by the server's parser, and text that is not
valid QQL is answered 400 by contract, so the schema-valid cases draw from valid queries. These
match no row: the DELETE operations then run through their whole path (the query checked, a job
made and run) without emptying the demo fleet the other operations read. Malformed QQL is the
server's own tests' business (span, message, limits).
"""

import schemathesis
from hypothesis import strategies as st

VALID_QQL = [
    "uuid:00000000-0000-0000-0000-000000000000",
    "created<1",
    "created>now+1d",
    "not uuid:* or created<1",
    "(uuid:zz* and created>now-1d) or uuid:`no such uuid`",
]

# Findings (`format: qql-findings`) have their own tokens; these match no finding either.
VALID_FINDINGS_QQL = [
    "qid<0",
    "severity:5 and qid<0",
    "title:`no such title`",
    "not severity:[1 .. 5]",
]

# The audit log (`format: qql-audit`).
VALID_AUDIT_QQL = [
    "at<1",
    "action:RETENTION_PURGE and at<1",
    "actor:`no such user`",
    "not at:[0 .. now+1d]",
]

schemathesis.openapi.format("qql", st.sampled_from(VALID_QQL))
schemathesis.openapi.format("qql-audit", st.sampled_from(VALID_AUDIT_QQL))
schemathesis.openapi.format("qql-findings", st.sampled_from(VALID_FINDINGS_QQL))
