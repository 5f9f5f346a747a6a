-- one row per account (without its password hash); $username = '' for all
select
    username,
    display_name,
    role,
    organisation,
    email,
    coalesce(language, 'fr') as language,
    disabled,
    password_hash is not null as has_password,
    created_at,
    updated_at
from users
where $username = '' or username = $username
order by role, username
