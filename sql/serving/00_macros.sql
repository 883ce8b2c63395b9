-- Display rounding of official statistics: half away from zero on the decimal value (2.675 → 2.68,
-- −2.675 → −2.68), where round() on a DOUBLE works on its binary value. digits must be a constant
-- from 0 to 10. Storage keeps full precision; round only for display.
CREATE OR REPLACE MACRO mart.round_half_away(x, digits) AS round(x::DECIMAL(38, 10), digits)::DOUBLE;
COMMENT ON MACRO mart.round_half_away IS '显示用四舍五入（远离零）：mart.round_half_away(value, 2) / Display rounding half away from zero: mart.round_half_away(value, 2)';
