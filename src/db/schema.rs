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

diesel::table! {
    organizations (id) {
        id -> Text,
        name -> Text,
        name_search -> Text,
        kind -> Text,
        country -> Text,
        krs -> Nullable<Text>,
        nip -> Nullable<Text>,
        regon -> Nullable<Text>,
        teryt_code -> Nullable<Text>,
        cui -> Nullable<Text>,
        territorial_unit_code -> Nullable<Text>,
        street -> Nullable<Text>,
        city -> Nullable<Text>,
        postal_code -> Nullable<Text>,
        email -> Nullable<Text>,
        phone -> Nullable<Text>,
        website -> Nullable<Text>,
        archived_at -> Nullable<Timestamp>,
        created_at -> Timestamp,
        updated_at -> Timestamp,
        version -> BigInt,
    }
}

diesel::table! {
    people (id) {
        id -> Text,
        full_name -> Text,
        name_search -> Text,
        email -> Nullable<Text>,
        phone -> Nullable<Text>,
        position -> Nullable<Text>,
        archived_at -> Nullable<Timestamp>,
        created_at -> Timestamp,
        updated_at -> Timestamp,
        version -> BigInt,
    }
}

diesel::table! {
    organization_members (id) {
        id -> Text,
        organization_id -> Text,
        person_id -> Text,
        role -> Text,
        position -> Nullable<Text>,
        created_at -> Timestamp,
        updated_at -> Timestamp,
        version -> BigInt,
        status -> Text,
    }
}

diesel::table! {
    users (id) {
        id -> Text,
        email -> Text,
        display_name -> Text,
        password_hash -> Text,
        active -> Bool,
        person_id -> Nullable<Text>,
        created_at -> Timestamp,
        updated_at -> Timestamp,
        version -> BigInt,
    }
}

diesel::table! {
    user_roles (user_id, role) {
        user_id -> Text,
        role -> Text,
    }
}

diesel::table! {
    projects (id) {
        id -> Text,
        code -> Text,
        title -> Text,
        title_search -> Text,
        funding_programme -> Nullable<Text>,
        starts_on -> Nullable<Date>,
        ends_on -> Nullable<Date>,
        lead_organization_id -> Nullable<Text>,
        status -> Text,
        description -> Nullable<Text>,
        archived_at -> Nullable<Timestamp>,
        created_at -> Timestamp,
        updated_at -> Timestamp,
        version -> BigInt,
    }
}

diesel::table! {
    project_coordinators (project_id, person_id) {
        project_id -> Text,
        person_id -> Text,
        created_at -> Timestamp,
    }
}

diesel::table! {
    refresh_tokens (id) {
        id -> Text,
        family_id -> Text,
        user_id -> Text,
        token_hash -> Text,
        created_at -> Timestamp,
        expires_at -> Timestamp,
        used_at -> Nullable<Timestamp>,
        revoked_at -> Nullable<Timestamp>,
    }
}

diesel::table! {
    api_clients (id) {
        id -> Text,
        organization_id -> Text,
        name -> Text,
        secret_hash -> Text,
        scopes -> Text,
        revoked_at -> Nullable<Timestamp>,
        created_at -> Timestamp,
        updated_at -> Timestamp,
        version -> BigInt,
    }
}

diesel::table! {
    login_throttle (throttle_key) {
        throttle_key -> Text,
        failures -> Integer,
        last_failure_at -> Timestamp,
        blocked_until -> Nullable<Timestamp>,
    }
}

diesel::table! {
    change_log (seq) {
        seq -> BigInt,
        occurred_at -> Timestamp,
        actor_kind -> Text,
        actor_id -> Nullable<Text>,
        entity_type -> Text,
        entity_id -> Text,
        action -> Text,
        changed_fields -> Text,
        changes -> Text,
        request_id -> Nullable<Text>,
    }
}

diesel::joinable!(organization_members -> organizations (organization_id));
diesel::joinable!(organization_members -> people (person_id));
diesel::joinable!(users -> people (person_id));
diesel::joinable!(user_roles -> users (user_id));
diesel::joinable!(project_coordinators -> projects (project_id));
diesel::joinable!(project_coordinators -> people (person_id));
diesel::joinable!(api_clients -> organizations (organization_id));

diesel::allow_tables_to_appear_in_same_query!(
    partnerships,
    partnership_members,
    partnership_team_members,
    organizations,
    people,
    organization_members,
    users,
    user_roles,
    project_coordinators,
    projects,
);

diesel::table! {
    partnerships (id) {
        id -> Text,
        name -> Text,
        name_search -> Text,
        purpose -> Nullable<Text>,
        project_id -> Nullable<Text>,
        cross_sector -> Bool,
        status -> Text,
        agreement_signed_on -> Nullable<Date>,
        agreement_reference -> Nullable<Text>,
        agreement_document_url -> Nullable<Text>,
        dissolution_reason -> Nullable<Text>,
        created_at -> Timestamp,
        updated_at -> Timestamp,
        version -> BigInt,
    }
}

diesel::table! {
    partnership_members (id) {
        id -> Text,
        partnership_id -> Text,
        organization_id -> Text,
        role -> Text,
        joined_on -> Date,
        left_on -> Nullable<Date>,
        local_coordinator_person_id -> Nullable<Text>,
        created_at -> Timestamp,
        updated_at -> Timestamp,
        version -> BigInt,
    }
}

diesel::table! {
    partnership_team_members (member_id, person_id) {
        member_id -> Text,
        person_id -> Text,
        team_role -> Text,
    }
}

diesel::joinable!(partnership_members -> partnerships (partnership_id));
diesel::joinable!(partnership_members -> organizations (organization_id));
diesel::joinable!(partnership_team_members -> partnership_members (member_id));

diesel::table! {
    responsibilities (id) {
        id -> Text,
        partnership_id -> Text,
        member_id -> Text,
        category -> Text,
        title -> Text,
        description -> Nullable<Text>,
        due_on -> Nullable<Date>,
        status -> Text,
        evidence -> Nullable<Text>,
        created_at -> Timestamp,
        updated_at -> Timestamp,
        version -> BigInt,
    }
}

diesel::table! {
    campaigns (id) {
        id -> Text,
        project_id -> Text,
        name -> Text,
        description -> Nullable<Text>,
        starts_on -> Date,
        ends_on -> Date,
        min_actions_per_location -> Integer,
        created_at -> Timestamp,
        updated_at -> Timestamp,
        version -> BigInt,
    }
}

diesel::table! {
    campaign_locations (campaign_id, name_key) {
        campaign_id -> Text,
        name_key -> Text,
        name -> Text,
        position -> Integer,
    }
}

diesel::table! {
    activities (id) {
        id -> Text,
        project_id -> Text,
        campaign_id -> Nullable<Text>,
        kind -> Text,
        title -> Text,
        held_on -> Date,
        place -> Nullable<Text>,
        place_key -> Nullable<Text>,
        organizer_organization_id -> Nullable<Text>,
        description -> Nullable<Text>,
        attendance -> Nullable<Integer>,
        outputs -> Text,
        created_at -> Timestamp,
        updated_at -> Timestamp,
        version -> BigInt,
    }
}

diesel::table! {
    result_indicators (id) {
        id -> Text,
        project_id -> Text,
        name -> Text,
        unit -> Text,
        target -> Double,
        kind -> Text,
        manual_value -> Nullable<Double>,
        activity_type -> Nullable<Text>,
        category -> Nullable<Text>,
        created_at -> Timestamp,
        updated_at -> Timestamp,
        version -> BigInt,
    }
}

diesel::table! {
    good_practices (id) {
        id -> Text,
        project_id -> Text,
        organization_id -> Text,
        title -> Text,
        description -> Text,
        plane -> Integer,
        area -> Nullable<Text>,
        status -> Text,
        review_note -> Nullable<Text>,
        reviewed_at -> Nullable<Timestamp>,
        search_text -> Text,
        created_at -> Timestamp,
        updated_at -> Timestamp,
        version -> BigInt,
    }
}

diesel::table! {
    good_practice_tags (good_practice_id, tag) {
        good_practice_id -> Text,
        tag -> Text,
    }
}

diesel::joinable!(campaign_locations -> campaigns (campaign_id));
diesel::joinable!(good_practice_tags -> good_practices (good_practice_id));

diesel::allow_tables_to_appear_in_same_query!(
    campaigns,
    campaign_locations,
    activities,
    good_practices,
    good_practice_tags,
);

diesel::table! {
    calls (id) {
        id -> Text,
        project_id -> Text,
        title -> Text,
        regulations -> Text,
        opens_at -> Timestamp,
        closes_at -> Timestamp,
        status -> Text,
        selection_mode -> Text,
        offer_hours -> Nullable<Integer>,
        categories -> Text,
        eligibility -> Text,
        questions -> Text,
        consents -> Text,
        cancel_reason -> Nullable<Text>,
        anonymized_at -> Nullable<Timestamp>,
        last_seq -> BigInt,
        created_at -> Timestamp,
        updated_at -> Timestamp,
        version -> BigInt,
        criteria -> Text,
        waitlist_size -> Nullable<Integer>,
        reviewers -> Text,
    }
}

diesel::table! {
    applications (id) {
        id -> Text,
        call_id -> Text,
        seq -> BigInt,
        category -> Text,
        name -> Text,
        email -> Text,
        email_key -> Text,
        phone -> Nullable<Text>,
        organization_id -> Nullable<Text>,
        organization_name -> Nullable<Text>,
        organization_kind -> Nullable<Text>,
        position -> Nullable<Text>,
        territorial_unit_code -> Nullable<Text>,
        answers -> Text,
        consents -> Text,
        status -> Text,
        reason -> Nullable<Text>,
        token_hash -> Text,
        decided_at -> Nullable<Timestamp>,
        offer_expires_at -> Nullable<Timestamp>,
        created_at -> Timestamp,
        updated_at -> Timestamp,
        version -> BigInt,
            score -> Nullable<Double>,
        rank -> Nullable<Integer>,
    }
}

diesel::table! {
    application_reviews (id) {
        id -> Text,
        application_id -> Text,
        call_id -> Text,
        reviewer_id -> Text,
        scores -> Text,
        total -> BigInt,
        note -> Nullable<Text>,
        created_at -> Timestamp,
        updated_at -> Timestamp,
        version -> BigInt,
    }
}

diesel::joinable!(applications -> calls (call_id));
diesel::joinable!(application_reviews -> applications (application_id));
diesel::allow_tables_to_appear_in_same_query!(calls, applications, application_reviews);

diesel::table! {
    rate_limits (limit_key) {
        limit_key -> Text,
        window_start -> Timestamp,
        hits -> BigInt,
    }
}

diesel::table! {
    idempotency_keys (scope, key) {
        scope -> Text,
        key -> Text,
        fingerprint -> Text,
        status -> Nullable<Integer>,
        content_type -> Nullable<Text>,
        location -> Nullable<Text>,
        etag -> Nullable<Text>,
        body -> Nullable<Text>,
        claimed_at -> Timestamp,
        expires_at -> Timestamp,
    }
}

diesel::table! {
    notifications (id) {
        id -> Text,
        kind -> Text,
        recipient -> Text,
        subject -> Text,
        body -> Text,
        secret -> Nullable<Text>,
        application_id -> Nullable<Text>,
        status -> Text,
        attempts -> Integer,
        next_attempt_at -> Timestamp,
        claimed_until -> Nullable<Timestamp>,
        last_error -> Nullable<Text>,
        sent_at -> Nullable<Timestamp>,
        created_at -> Timestamp,
    }
}

diesel::table! {
    training_programmes (id) {
        id -> Text,
        project_id -> Text,
        name -> Text,
        description -> Nullable<Text>,
        modules -> Text,
        created_at -> Timestamp,
        updated_at -> Timestamp,
        version -> BigInt,
        completion -> Text,
    }
}

diesel::table! {
    training_groups (id) {
        id -> Text,
        programme_id -> Text,
        name -> Text,
        capacity -> Integer,
        place -> Nullable<Text>,
        targets -> Text,
        created_at -> Timestamp,
        updated_at -> Timestamp,
        version -> BigInt,
    }
}

diesel::table! {
    training_sessions (id) {
        id -> Text,
        group_id -> Text,
        starts_at -> Timestamp,
        ends_at -> Timestamp,
        place -> Nullable<Text>,
        format -> Text,
        trainers -> Text,
        created_at -> Timestamp,
        updated_at -> Timestamp,
        version -> BigInt,
        module_codes -> Text,
        attendance_version -> BigInt,
    }
}

diesel::table! {
    training_participants (id) {
        id -> Text,
        programme_id -> Text,
        group_id -> Text,
        person_id -> Text,
        category -> Nullable<Text>,
        created_at -> Timestamp,
        updated_at -> Timestamp,
        version -> BigInt,
    }
}

diesel::table! {
    training_attendance (session_id, participant_id) {
        session_id -> Text,
        participant_id -> Text,
        status -> Text,
        recorded_at -> Timestamp,
        recorded_by -> Nullable<Text>,
    }
}

diesel::table! {
    training_certificates (id) {
        id -> Text,
        number -> Text,
        programme_id -> Text,
        participant_id -> Text,
        person_id -> Text,
        holder_name -> Text,
        programme_name -> Text,
        issued_at -> Timestamp,
        revoked_at -> Nullable<Timestamp>,
        revoke_reason -> Nullable<Text>,
        created_at -> Timestamp,
        updated_at -> Timestamp,
        version -> BigInt,
    }
}

diesel::joinable!(training_attendance -> training_sessions (session_id));
diesel::joinable!(training_attendance -> training_participants (participant_id));
diesel::joinable!(training_certificates -> training_programmes (programme_id));
diesel::joinable!(training_groups -> training_programmes (programme_id));
diesel::joinable!(training_sessions -> training_groups (group_id));
diesel::joinable!(training_participants -> training_groups (group_id));
diesel::joinable!(training_participants -> people (person_id));
diesel::allow_tables_to_appear_in_same_query!(
    training_programmes,
    training_groups,
    training_sessions,
    training_participants,
    training_attendance,
    training_certificates,
    people,
);

diesel::table! {
    consultations (id) {
        id -> Text,
        subject -> Text,
        subject_search -> Text,
        kind -> Text,
        initiating_organization_id -> Text,
        project_id -> Nullable<Text>,
        description -> Nullable<Text>,
        forms -> Text,
        opens_at -> Nullable<Timestamp>,
        closes_at -> Nullable<Timestamp>,
        report_due_at -> Nullable<Timestamp>,
        announced_at -> Nullable<Timestamp>,
        report_published_at -> Nullable<Timestamp>,
        cancel_reason -> Nullable<Text>,
        status -> Text,
        document_version -> Integer,
        created_at -> Timestamp,
        updated_at -> Timestamp,
        version -> BigInt,
    }
}

diesel::table! {
    consultation_versions (id) {
        id -> Text,
        consultation_id -> Text,
        number -> Integer,
        title -> Text,
        note -> Nullable<Text>,
        created_at -> Timestamp,
    }
}

diesel::table! {
    consultation_sections (version_id, section_id) {
        version_id -> Text,
        section_id -> Text,
        position -> Integer,
        number -> Text,
        heading -> Nullable<Text>,
        body -> Text,
    }
}

diesel::table! {
    consultation_submissions (id) {
        id -> Text,
        consultation_id -> Text,
        version_id -> Text,
        section_id -> Nullable<Text>,
        submitter_kind -> Text,
        organization_id -> Nullable<Text>,
        submitted_by -> Nullable<Text>,
        individual_name -> Nullable<Text>,
        individual_email -> Nullable<Text>,
        proposed_wording -> Nullable<Text>,
        justification -> Text,
        response_status -> Nullable<Text>,
        response_justification -> Nullable<Text>,
        responded_at -> Nullable<Timestamp>,
        created_at -> Timestamp,
        updated_at -> Timestamp,
        version -> BigInt,
        body_id -> Nullable<Text>,
    }
}

diesel::table! {
    participation_bodies (id) {
        id -> Text,
        name -> Text,
        name_search -> Text,
        kind -> Text,
        territorial_unit_code -> Text,
        secretariat_organization_id -> Text,
        description -> Nullable<Text>,
        created_at -> Timestamp,
        updated_at -> Timestamp,
        version -> BigInt,
    }
}

diesel::table! {
    participation_body_members (id) {
        id -> Text,
        body_id -> Text,
        constituency -> Text,
        name -> Text,
        organization_id -> Nullable<Text>,
        role -> Text,
        joined_on -> Date,
        left_on -> Nullable<Date>,
        created_at -> Timestamp,
        updated_at -> Timestamp,
        version -> BigInt,
    }
}

diesel::table! {
    consultation_meetings (id) {
        id -> Text,
        consultation_id -> Text,
        kind -> Text,
        title -> Text,
        starts_at -> Timestamp,
        place -> Nullable<Text>,
        online_url -> Nullable<Text>,
        minutes -> Nullable<Text>,
        attendance -> Nullable<Integer>,
        created_at -> Timestamp,
        updated_at -> Timestamp,
        version -> BigInt,
    }
}

diesel::joinable!(consultation_versions -> consultations (consultation_id));
diesel::joinable!(consultation_sections -> consultation_versions (version_id));
diesel::joinable!(consultation_submissions -> consultation_versions (version_id));
diesel::allow_tables_to_appear_in_same_query!(
    consultations,
    consultation_versions,
    consultation_sections,
    consultation_submissions,
    organizations,
    participation_bodies,
);

diesel::table! {
    watched_drafts (id) {
        id -> Text,
        organization_id -> Text,
        title -> Text,
        title_search -> Text,
        issuer -> Nullable<Text>,
        source_url -> Text,
        policy_area -> Nullable<Text>,
        territorial_unit_code -> Nullable<Text>,
        comment_deadline -> Timestamp,
        status -> Text,
        note -> Nullable<Text>,
        created_at -> Timestamp,
        updated_at -> Timestamp,
        version -> BigInt,
    }
}

diesel::table! {
    quality_methodologies (id) {
        id -> Text,
        methodology_key -> Text,
        number -> Integer,
        name -> Text,
        document -> Text,
        created_at -> Timestamp,
        updated_at -> Timestamp,
        version -> BigInt,
    }
}

diesel::table! {
    quality_rounds (id) {
        id -> Text,
        organization_id -> Text,
        year -> Integer,
        methodology_id -> Text,
        status -> Text,
        notes -> Nullable<Text>,
        completed_at -> Nullable<Timestamp>,
        cancel_reason -> Nullable<Text>,
        survey_status -> Text,
        survey_token_hash -> Nullable<Text>,
        created_at -> Timestamp,
        updated_at -> Timestamp,
        version -> BigInt,
    }
}

diesel::table! {
    quality_survey_answers (id) {
        id -> Text,
        round_id -> Text,
        answers -> Text,
    }
}

diesel::table! {
    quality_round_members (round_id, person_id) {
        round_id -> Text,
        person_id -> Text,
        side -> Text,
    }
}

diesel::table! {
    quality_assessments (id) {
        id -> Text,
        round_id -> Text,
        indicator_code -> Text,
        answer -> Double,
        evidence -> Nullable<Text>,
        recommendation -> Nullable<Text>,
        recorded_by -> Nullable<Text>,
        created_at -> Timestamp,
        updated_at -> Timestamp,
        version -> BigInt,
    }
}

diesel::joinable!(quality_rounds -> quality_methodologies (methodology_id));
diesel::joinable!(quality_rounds -> organizations (organization_id));
diesel::allow_tables_to_appear_in_same_query!(
    quality_rounds,
    quality_methodologies,
    organizations,
    quality_round_members,
);

diesel::table! {
    quality_action_items (id) {
        id -> Text,
        round_id -> Text,
        indicator_code -> Nullable<Text>,
        action -> Text,
        owner_organization_id -> Text,
        owner_person_id -> Nullable<Text>,
        due_on -> Date,
        status -> Text,
        review -> Nullable<Text>,
        created_at -> Timestamp,
        updated_at -> Timestamp,
        version -> BigInt,
    }
}

diesel::joinable!(quality_action_items -> quality_rounds (round_id));
diesel::allow_tables_to_appear_in_same_query!(quality_action_items, quality_rounds);

diesel::table! {
    webhook_subscriptions (id) {
        id -> Text,
        organization_id -> Text,
        api_client_id -> Nullable<Text>,
        url -> Text,
        event_types -> Nullable<Text>,
        secret -> Text,
        status -> Text,
        disabled_reason -> Nullable<Text>,
        consecutive_failures -> Integer,
        failing_since -> Nullable<Timestamp>,
        log_position -> BigInt,
        created_at -> Timestamp,
        updated_at -> Timestamp,
        version -> BigInt,
    }
}

diesel::table! {
    webhook_deliveries (id) {
        id -> Text,
        subscription_id -> Text,
        change_seq -> BigInt,
        event_type -> Text,
        payload -> Text,
        status -> Text,
        attempts -> Integer,
        next_attempt_at -> Timestamp,
        claimed_until -> Nullable<Timestamp>,
        last_status_code -> Nullable<Integer>,
        last_error -> Nullable<Text>,
        delivered_at -> Nullable<Timestamp>,
        created_at -> Timestamp,
        updated_at -> Timestamp,
        version -> BigInt,
    }
}

diesel::joinable!(webhook_deliveries -> webhook_subscriptions (subscription_id));
diesel::allow_tables_to_appear_in_same_query!(webhook_deliveries, webhook_subscriptions);
