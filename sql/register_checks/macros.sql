-- The GB 32100-2015 check character of a USCC's first 17 characters: charset[(31 − Σ vᵢ·wᵢ mod 31) mod 31],
-- a character's value vᵢ its index in `charset` (indicators/registers.py uscc_check_character, in Python).
CREATE MACRO uscc_check_character(code, charset, weights) AS
    substr(charset, CAST((31 - list_sum(list_transform(range(1, 18),
           lambda i: (strpos(charset, substr(code, i, 1)) - 1) * list_extract(weights, i))) % 31) % 31 AS INTEGER) + 1, 1);
-- A USCC of 18 characters of the code set whose 18th is its check character.
CREATE MACRO uscc_valid(code, charset, weights) AS
    regexp_full_match(code, '[' || charset || ']{18}') AND substr(code, 18, 1) = uscc_check_character(code, charset, weights);
