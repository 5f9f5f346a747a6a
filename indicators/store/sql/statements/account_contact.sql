-- an account's e-mail address and the language of its e-mails
update users
set email = $email, language = $language, updated_at = $at
where username = $username
