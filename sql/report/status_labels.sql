-- Every status code with its Chinese and English label (the notes explain each code the bulletin shows).
SELECT code_list, code, label_zh, label_en FROM ref.status_labels ORDER BY code_list, code;
