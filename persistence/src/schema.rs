//! Table definitions shared by both backends: portable SQL types only.

diesel::table! {
    users (id) {
        id -> Text,
        email -> Text,
        display_name -> Text,
        password_hash -> Text,
        role -> Text,
        is_active -> Bool,
        created_at -> Timestamp,
        updated_at -> Timestamp,
    }
}

diesel::table! {
    audit_log (id) {
        id -> Text,
        at -> Timestamp,
        actor_id -> Nullable<Text>,
        actor_role -> Nullable<Text>,
        method -> Text,
        route -> Text,
        path -> Text,
        status -> Integer,
        resource -> Nullable<Text>,
        address -> Text,
        user_agent -> Nullable<Text>,
        request_id -> Text,
        api_key_id -> Nullable<Text>,
    }
}

diesel::table! {
    read_rate_counts (bucket, window_start) {
        bucket -> Text,
        window_start -> BigInt,
        hits -> BigInt,
    }
}

diesel::table! {
    api_keys (id) {
        id -> Text,
        name -> Text,
        scope -> Text,
        key_hash -> Text,
        prefix -> Text,
        user_id -> Text,
        created_by -> Text,
        created_at -> Timestamp,
        expires_at -> Nullable<Timestamp>,
        last_used_at -> Nullable<Timestamp>,
        revoked_at -> Nullable<Timestamp>,
    }
}

diesel::table! {
    login_addresses (user_id, address_hash) {
        user_id -> Text,
        address_hash -> Text,
        last_login_at -> Timestamp,
    }
}

diesel::table! {
    sessions (id) {
        id -> Text,
        user_id -> Text,
        created_at -> Timestamp,
        revoked_at -> Nullable<Timestamp>,
        user_agent -> Nullable<Text>,
        address -> Nullable<Text>,
        last_used_at -> Nullable<Timestamp>,
    }
}

diesel::table! {
    refresh_tokens (token_hash) {
        token_hash -> Text,
        session_id -> Text,
        expires_at -> Timestamp,
        used_at -> Nullable<Timestamp>,
        created_at -> Timestamp,
        successor_sealed -> Nullable<Text>,
    }
}

diesel::table! {
    login_failures (id) {
        id -> Text,
        key_hash -> Text,
        failed_at -> Timestamp,
    }
}

diesel::table! {
    categories (id) {
        id -> Text,
        slug -> Text,
        name -> Text,
        description -> Nullable<Text>,
        parent_id -> Nullable<Text>,
        position -> Integer,
        created_at -> Timestamp,
        updated_at -> Timestamp,
        version -> Integer,
    }
}

diesel::table! {
    authors (id) {
        id -> Text,
        slug -> Text,
        name -> Text,
        sort_key -> Text,
        bio -> Nullable<Text>,
        user_id -> Nullable<Text>,
        created_at -> Timestamp,
        updated_at -> Timestamp,
        version -> Integer,
    }
}

diesel::table! {
    tags (id) {
        id -> Text,
        slug -> Text,
        name -> Text,
        sort_key -> Text,
        created_at -> Timestamp,
        version -> Integer,
        updated_at -> Timestamp,
    }
}

diesel::table! {
    taxonomy_slug_redirects (kind, slug) {
        kind -> Text,
        slug -> Text,
        target_id -> Text,
    }
}

diesel::table! {
    images (id) {
        id -> Text,
        storage_key -> Text,
        format -> Text,
        byte_size -> BigInt,
        width -> Integer,
        height -> Integer,
        content_hash -> Text,
        original_file_name -> Nullable<Text>,
        original_key -> Nullable<Text>,
        alt -> Nullable<Text>,
        caption -> Nullable<Text>,
        credit -> Nullable<Text>,
        search_text -> Text,
        focal_x -> Nullable<Double>,
        focal_y -> Nullable<Double>,
        renditions -> Text,
        uploaded_by -> Nullable<Text>,
        created_at -> Timestamp,
        updated_at -> Timestamp,
    }
}

diesel::table! {
    articles (id) {
        id -> Text,
        slug -> Text,
        title -> Text,
        sapo -> Nullable<Text>,
        body -> Text,
        body_html -> Text,
        status -> Text,
        featured -> Bool,
        published_at -> Nullable<Timestamp>,
        unpublish_at -> Nullable<Timestamp>,
        category_id -> Nullable<Text>,
        cover_image_id -> Nullable<Text>,
        created_by -> Nullable<Text>,
        comment_count -> Integer,
        version -> Integer,
        created_at -> Timestamp,
        updated_at -> Timestamp,
        comment_mode -> Text,
        word_count -> Integer,
        reading_time_minutes -> Integer,
    }
}

diesel::table! {
    article_slug_redirects (slug) {
        slug -> Text,
        article_id -> Text,
    }
}

diesel::table! {
    article_authors (article_id, author_id) {
        article_id -> Text,
        author_id -> Text,
        position -> Integer,
        role -> Text,
    }
}

diesel::table! {
    article_tags (article_id, tag_id) {
        article_id -> Text,
        tag_id -> Text,
    }
}

diesel::table! {
    comments (id) {
        id -> Text,
        article_id -> Text,
        parent_id -> Nullable<Text>,
        root_id -> Nullable<Text>,
        depth -> SmallInt,
        author_name -> Text,
        email -> Nullable<Text>,
        body -> Text,
        body_hash -> Text,
        ip_hash -> Nullable<Text>,
        user_id -> Nullable<Text>,
        is_staff -> Bool,
        status -> Text,
        spam_reason -> Nullable<Text>,
        created_at -> Timestamp,
        updated_at -> Timestamp,
        moderated_at -> Nullable<Timestamp>,
        moderated_by -> Nullable<Text>,
    }
}

diesel::table! {
    site_settings (id) {
        id -> Integer,
        name -> Text,
        url -> Text,
        language -> Text,
        time_zone -> Text,
        logo_url -> Nullable<Text>,
        article_path -> Text,
        updated_at -> Timestamp,
    }
}

diesel::table! {
    article_view_totals (article_id) {
        article_id -> Text,
        views -> BigInt,
    }
}

diesel::table! {
    article_documents (article_id) {
        article_id -> Text,
        list_entry -> Text,
        etag -> Text,
        document -> Text,
    }
}

diesel::table! {
    document_queue (article_id) {
        article_id -> Text,
    }
}

diesel::table! {
    article_view_hours (article_id, hour) {
        article_id -> Text,
        hour -> Timestamp,
        views -> BigInt,
    }
}

diesel::table! {
    rate_limit_hits (id) {
        id -> Text,
        bucket -> Text,
        hit_at -> Timestamp,
    }
}

diesel::table! {
    article_review_notes (id) {
        id -> Text,
        article_id -> Text,
        note -> Text,
        created_by -> Nullable<Text>,
        created_at -> Timestamp,
    }
}

diesel::table! {
    events (id) {
        id -> Text,
        #[sql_name = "type"]
        event_type -> Text,
        article_id -> Text,
        article_slug -> Text,
        actor_id -> Nullable<Text>,
        occurred_at -> Timestamp,
        data -> Nullable<Text>,
    }
}

diesel::table! {
    due_work (article_id, kind) {
        article_id -> Text,
        kind -> Text,
        due_at -> Timestamp,
    }
}

diesel::table! {
    featured_slots (position) {
        position -> Integer,
        article_id -> Text,
        expires_at -> Nullable<Timestamp>,
        set_by -> Nullable<Text>,
        set_at -> Timestamp,
    }
}

diesel::table! {
    article_related (article_id, related_id) {
        article_id -> Text,
        related_id -> Text,
        position -> Integer,
    }
}

diesel::joinable!(sessions -> users (user_id));
diesel::joinable!(api_keys -> users (user_id));
diesel::joinable!(login_addresses -> users (user_id));
diesel::joinable!(refresh_tokens -> sessions (session_id));
diesel::joinable!(authors -> users (user_id));
diesel::joinable!(articles -> categories (category_id));
diesel::joinable!(article_authors -> articles (article_id));
diesel::joinable!(article_authors -> authors (author_id));
diesel::joinable!(article_tags -> articles (article_id));
diesel::joinable!(article_tags -> tags (tag_id));
diesel::joinable!(comments -> articles (article_id));
diesel::joinable!(article_slug_redirects -> articles (article_id));
diesel::joinable!(article_view_totals -> articles (article_id));
diesel::joinable!(article_view_hours -> articles (article_id));
diesel::joinable!(article_review_notes -> articles (article_id));
diesel::joinable!(article_review_notes -> users (created_by));
diesel::joinable!(due_work -> articles (article_id));
diesel::joinable!(featured_slots -> articles (article_id));
diesel::joinable!(article_documents -> articles (article_id));

diesel::allow_tables_to_appear_in_same_query!(
    article_documents,
    document_queue,
    article_view_totals,
    article_view_hours,
    users,
    sessions,
    refresh_tokens,
    login_failures,
    login_addresses,
    audit_log,
    api_keys,
    read_rate_counts,
    categories,
    authors,
    tags,
    images,
    articles,
    article_slug_redirects,
    article_authors,
    article_tags,
    comments,
    rate_limit_hits,
    article_review_notes,
    events,
    due_work,
    featured_slots,
    article_related,
    taxonomy_slug_redirects,
);

diesel::table! {
    article_revisions (article_id, n) {
        article_id -> Text,
        n -> Integer,
        version -> Integer,
        saved_by -> Nullable<Text>,
        saved_at -> Timestamp,
        title -> Text,
        status -> Text,
        snapshot -> Text,
    }
}

diesel::table! {
    corrections (id) {
        id -> Text,
        article_id -> Text,
        text -> Text,
        created_by -> Nullable<Text>,
        created_at -> Timestamp,
    }
}

diesel::table! {
    webhooks (id) {
        id -> Text,
        url -> Text,
        description -> Nullable<Text>,
        events -> Text,
        secret -> Text,
        active -> Bool,
        failing_since -> Nullable<Timestamp>,
        disabled_reason -> Nullable<Text>,
        disabled_at -> Nullable<Timestamp>,
        created_at -> Timestamp,
        updated_at -> Timestamp,
    }
}

diesel::table! {
    webhook_deliveries (id) {
        id -> Text,
        webhook_id -> Text,
        event_id -> Text,
        event_type -> Text,
        payload -> Text,
        status -> Text,
        attempts -> Integer,
        next_attempt_at -> Timestamp,
        claim_token -> Nullable<Text>,
        last_attempt_at -> Nullable<Timestamp>,
        last_status_code -> Nullable<Integer>,
        last_error -> Nullable<Text>,
        last_response_body -> Nullable<Text>,
        last_duration_ms -> Nullable<Integer>,
        created_at -> Timestamp,
        completed_at -> Nullable<Timestamp>,
        redelivered_at -> Nullable<Timestamp>,
    }
}

diesel::joinable!(webhook_deliveries -> webhooks (webhook_id));
diesel::allow_tables_to_appear_in_same_query!(webhooks, webhook_deliveries);
