from segops_platform.auth.api_keys import api_key_matches, api_key_prefix, generate_api_key, hash_api_key


def test_a_new_key_carries_its_visible_prefix_and_only_its_hash_is_kept() -> None:
    new = generate_api_key()
    assert new.key.startswith(new.prefix + "_")
    assert api_key_prefix(new.key) == new.prefix
    assert new.key_hash == hash_api_key(new.key)
    assert new.key not in new.key_hash


def test_keys_are_random() -> None:
    keys = {generate_api_key().key for _ in range(100)}
    prefixes = {api_key_prefix(key) for key in keys}
    assert len(keys) == 100
    assert len(prefixes) > 95  # 32-bit prefixes: a collision among 100 is vanishingly rare


def test_a_key_matches_only_its_own_hash() -> None:
    first, second = generate_api_key(), generate_api_key()
    assert api_key_matches(first.key, first.key_hash)
    assert not api_key_matches(first.key, second.key_hash)
    assert not api_key_matches(first.key[:-1] + "x", first.key_hash)


def test_malformed_keys_have_no_prefix() -> None:
    good = generate_api_key().key
    for bad in ["", "sgk_", good + "x", good[:-1], good.replace("sgk_", "sk_"), "sgk_ZZZZZZZZ_" + "a" * 43]:
        assert api_key_prefix(bad) is None, bad
