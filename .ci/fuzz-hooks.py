"""schemathesis hooks for .ci/fuzz.

The admin run must keep its one session: changing the admin's own account
(a new password, `is_active: false`) ends it, and every later request would
be a 401. Requests aimed at the admin's own account are sent to a spare
account made for the run instead, so the operation is still fuzzed.

Articles, categories, authors and tags answer to their id and to their
slug. schemathesis only knows the key it used: when it creates a tag, then
deletes it by its slug and reads it by its id, it reports the 404 as
"created resource not found" (ST302). The hooks below remember which keys
name one resource and which were deleted, and drop that report only when
the resource was deleted under another of its keys.
"""

import os

import schemathesis

ADMIN_ID = os.environ.get("FUZZ_ADMIN_ID", "")
SPARE_ID = os.environ.get("FUZZ_SPARE_ID", "")


@schemathesis.hook
def before_call(context, case, kwargs):
    if not ADMIN_ID or not SPARE_ID:
        return
    params = case.path_parameters
    if params and params.get("id") == ADMIN_ID and case.path.startswith("/api/v1/users/"):
        params["id"] = SPARE_ID


# id or slug -> the id of the resource it last named.
IDS = {}
# (path template, id) of every resource a successful DELETE removed.
DELETED = set()


def _remember(item):
    if isinstance(item, dict) and isinstance(item.get("id"), str) and isinstance(item.get("slug"), str):
        IDS[item["id"]] = item["id"]
        IDS[item["slug"]] = item["id"]


@schemathesis.hook
def after_call(context, case, response):
    if not 200 <= response.status_code < 300:
        return
    if case.method.upper() == "DELETE":
        for value in (case.path_parameters or {}).values():
            DELETED.add((case.path, IDS.get(str(value), str(value))))
        return
    try:
        body = response.json()
    except Exception:
        return
    _remember(body)
    if isinstance(body, dict) and isinstance(body.get("items"), list):
        for item in body["items"]:
            _remember(item)


def deleted_under_another_key(case):
    """True when a successful DELETE on this path removed the resource this case names."""
    return any(
        (case.path, IDS.get(str(value), str(value))) in DELETED
        for value in (case.path_parameters or {}).values()
    )


@schemathesis.hook
def filter_failure(context, failure, case, response):
    if getattr(failure, "code", "") == "ST302":
        return not deleted_under_another_key(case)
    # A case redirected above is judged by schemathesis against metadata of
    # the body it first generated, which it then reports as "schema-violating
    # request accepted" with a property the schema does not require. Keep
    # every other failure, and every other check of these cases.
    # Likewise a multipart upload, where every field travels as text (a
    # "number" credit is the text "0.99"): the stateful phase does not read
    # the per-operation setting in .ci/fuzz that turns this check off there.
    if getattr(failure, "code", "") != "ST201":
        return True
    redirected = SPARE_ID and case.path_parameters and case.path_parameters.get("id") == SPARE_ID
    multipart = (case.media_type or "").startswith("multipart/")
    return not (redirected or multipart)
