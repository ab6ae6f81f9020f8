// The tables of both backends; each migration folder must produce exactly these.

diesel::table! {
    territorial_units (code) {
        code -> Text,
        name -> Text,
        name_search -> Text,
        level -> Text,
        parent_code -> Nullable<Text>,
        country -> Text,
        created_at -> Timestamp,
        updated_at -> Timestamp,
        version -> BigInt,
    }
}
