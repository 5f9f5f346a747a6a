-- one new account
insert into users (username, display_name, role, organisation, password_hash, email, disabled,
                   created_at, updated_at)
values ($username, $display_name, $role, $organisation, $password_hash, $email, false, $at, $at)
