-- one row per account named $username or whose e-mail is $email, with its password hash
select
    username, display_name, role, organisation, email, coalesce(language, 'fr') as language,
    disabled, password_hash
from users
where username = $username or ($email <> '' and lower(email) = lower($email))
