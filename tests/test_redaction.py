"""Redaction: the token is masked in every text that may hold it."""

from __future__ import annotations

import pytest

from divio_tui.redaction import mask_token, redact

TOKEN = "5ecre7t0ken5ecre7t0ken5ecre7t0ken5ecrabcd"
OTHER_TOKEN = "0ther0ther0ther0ther0ther0ther0ther0wxyz"


# --- mask_token() and redact() ----------------------------------------------------------------


def test_mask_shows_only_the_last_four_characters() -> None:
    assert mask_token(TOKEN) == "****abcd"


def test_short_secrets_are_masked_entirely() -> None:
    assert mask_token("abc12345") == "****"


def test_redact_masks_every_occurrence_of_the_active_token() -> None:
    text = f"a {TOKEN} b {TOKEN}c"
    assert redact(text, TOKEN) == "a ****abcd b ****abcdc"


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        (f"Authorization: Token {OTHER_TOKEN}", "Authorization: Token ****wxyz"),
        (f"{{'authorization': 'Token {OTHER_TOKEN}'}}", "{'authorization': 'Token ****wxyz'}"),
        (
            f'headers={{"Authorization": "Bearer {OTHER_TOKEN}"}}',
            'headers={"Authorization": "Bearer ****wxyz"}',
        ),
        (f"authorization={OTHER_TOKEN}", "authorization=Token ****wxyz"),
        (f"sent token {OTHER_TOKEN} twice", "sent token ****wxyz twice"),
    ],
)
def test_redact_masks_credentials_of_any_token(text: str, expected: str) -> None:
    assert redact(text, None) == expected


def test_redact_leaves_ordinary_prose_alone() -> None:
    text = "Token resolution failed: Invalid token header. No credentials provided."
    assert redact(text, TOKEN) == text


def test_a_short_token_is_masked_only_as_a_whole_word() -> None:
    assert (
        redact("--token x sent; box and x-ray stay", "x") == "--token **** sent; box and x-ray stay"
    )


def test_redact_is_idempotent() -> None:
    once = redact(f"Authorization: Token {TOKEN}", TOKEN)
    assert redact(once, TOKEN) == once == "Authorization: Token ****abcd"
