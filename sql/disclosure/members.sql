-- Each city of each region and of the province (the areas whose totals sum it).
SELECT area_code, member_code AS city_code FROM ref.area_members
