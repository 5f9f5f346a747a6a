-- one new account
insert into users (username, display_name, role, organisation, password_hash, email, language,
                   disabled, created_at, updated_at)
values ($username, $display_name, $role, $organisation, $password_hash, $email, $language,
        false, $at, $at)
