"""Store schema as an ordered list of forward migrations.

A store records its version in ``meta.schema_version``. Opening a store applies every migration
above that version, each in its own transaction, so a store written by an older release is brought
forward without losing rows. Migrations are append-only: never edit one that has shipped.

Design choices
--------------
* ``observation`` carries no primary-key index: DuckDB's ART index would slow bulk loads several
  fold, and uniqueness of ``(dataset_id, region_code, indicator_code, year)`` is enforced by the
  ingest validation before any write (tested).
* Codes are identifiers, names are labels (``name_zh`` / ``name_en``).
"""

from __future__ import annotations

MIGRATIONS: list[tuple[int, str, list[str]]] = [
    (
        1,
        "initial data model",
        [
            "CREATE TABLE IF NOT EXISTS meta (key VARCHAR PRIMARY KEY, value VARCHAR)",
            """CREATE TABLE dataset (
                dataset_id VARCHAR PRIMARY KEY, kind VARCHAR NOT NULL, title VARCHAR,
                source VARCHAR, publisher VARCHAR, licence VARCHAR, citation VARCHAR,
                sha256 VARCHAR NOT NULL, rows BIGINT NOT NULL,
                grade VARCHAR NOT NULL CHECK (grade IN ('general', 'important', 'core')),
                file_name VARCHAR, ingested_at TIMESTAMP NOT NULL)""",
            """CREATE TABLE region (
                code VARCHAR PRIMARY KEY, name_zh VARCHAR, name_en VARCHAR, level VARCHAR,
                parent_code VARCHAR, dataset_id VARCHAR)""",
            """CREATE TABLE sector (
                code VARCHAR NOT NULL, scheme VARCHAR NOT NULL, name_zh VARCHAR, name_en VARCHAR,
                dataset_id VARCHAR, PRIMARY KEY (scheme, code))""",
            """CREATE TABLE indicator (
                code VARCHAR PRIMARY KEY, name_zh VARCHAR, name_en VARCHAR, unit VARCHAR,
                direction VARCHAR CHECK (direction IN ('+', '-')), dimension VARCHAR, source VARCHAR,
                min_value DOUBLE, max_value DOUBLE, dataset_id VARCHAR)""",
            """CREATE TABLE observation (
                dataset_id VARCHAR NOT NULL, region_code VARCHAR NOT NULL, indicator_code VARCHAR NOT NULL,
                year SMALLINT NOT NULL, value DOUBLE)""",
            """CREATE TABLE io_table (
                table_id VARCHAR PRIMARY KEY, year SMALLINT, region_code VARCHAR, scheme VARCHAR,
                unit VARCHAR, kind VARCHAR, dataset_id VARCHAR NOT NULL)""",
            """CREATE TABLE io_flow (
                table_id VARCHAR NOT NULL, row_code VARCHAR NOT NULL, col_code VARCHAR NOT NULL,
                value DOUBLE NOT NULL)""",
            """CREATE TABLE enterprise (
                uscc VARCHAR PRIMARY KEY, name VARCHAR, region_code VARCHAR, sector_code VARCHAR,
                size_class VARCHAR, dataset_id VARCHAR NOT NULL)""",
            """CREATE TABLE assessment (
                assessment_id VARCHAR PRIMARY KEY, uscc VARCHAR NOT NULL, model_code VARCHAR NOT NULL,
                taken_on DATE, answers JSON, dataset_id VARCHAR NOT NULL)""",
            """CREATE TABLE audit (
                "at" TIMESTAMP NOT NULL, actor VARCHAR, action VARCHAR NOT NULL, object VARCHAR, detail VARCHAR)""",
        ],
    ),
    (
        2,
        "quality notes, IO code roles and origins, region reference columns, contiguity, external references",
        [
            """CREATE TABLE quality_note (
                dataset_id VARCHAR NOT NULL, indicator_code VARCHAR, region_code VARCHAR, year SMALLINT,
                kind VARCHAR NOT NULL, severity VARCHAR NOT NULL CHECK (severity IN ('error', 'warning', 'info')),
                detail VARCHAR, found_by VARCHAR)""",
            # Non-competitive IO tables hold a domestic and an imported block with the same product codes.
            "ALTER TABLE io_flow ADD COLUMN origin VARCHAR DEFAULT 'all'",
            """CREATE TABLE io_code (
                table_id VARCHAR NOT NULL, axis VARCHAR NOT NULL CHECK (axis IN ('row', 'col')),
                code VARCHAR NOT NULL, role VARCHAR NOT NULL, name_zh VARCHAR, name_en VARCHAR, position INTEGER)""",
            "ALTER TABLE region ADD COLUMN name_zh_short VARCHAR",
            "ALTER TABLE region ADD COLUMN region4_zh VARCHAR",
            "ALTER TABLE region ADD COLUMN region4_en VARCHAR",
            "ALTER TABLE region ADD COLUMN capital_lon DOUBLE",
            "ALTER TABLE region ADD COLUMN capital_lat DOUBLE",
            """CREATE TABLE region_neighbour (
                code_a VARCHAR NOT NULL, code_b VARCHAR NOT NULL, kind VARCHAR NOT NULL, dataset_id VARCHAR)""",
            """CREATE TABLE external_reference (
                dataset_id VARCHAR NOT NULL, region_code VARCHAR NOT NULL, year SMALLINT NOT NULL,
                name VARCHAR NOT NULL, value DOUBLE, note VARCHAR)""",
            "ALTER TABLE indicator ADD COLUMN price_basis VARCHAR",
            "ALTER TABLE enterprise ADD COLUMN sector_scheme VARCHAR",
            "ALTER TABLE assessment ADD COLUMN model_version VARCHAR",
        ],
    ),
]

MIGRATIONS.append(
    (
        3,
        "analysis results with lineage, scored assessments",
        [
            """CREATE TABLE analysis_run (
            run_id VARCHAR PRIMARY KEY, kind VARCHAR NOT NULL, method VARCHAR NOT NULL, created_at TIMESTAMP NOT NULL,
            version VARCHAR, params JSON, lineage JSON, datasets VARCHAR, note VARCHAR)""",
            """CREATE TABLE analysis_value (
            run_id VARCHAR NOT NULL, region_code VARCHAR, sector_code VARCHAR, year SMALLINT,
            measure VARCHAR NOT NULL, value DOUBLE, label VARCHAR)""",
            """CREATE TABLE assessment_result (
            assessment_id VARCHAR NOT NULL, uscc VARCHAR NOT NULL, model_code VARCHAR NOT NULL,
            model_version VARCHAR, model_fingerprint VARCHAR, taken_on DATE, total_score DOUBLE, level VARCHAR,
            dimension_scores JSON, run_id VARCHAR, dataset_id VARCHAR)""",
        ],
    )
)

MIGRATIONS.append(
    (
        4,
        "platform: user accounts, bearer tokens, background jobs",
        [
            # Passwords are stored as argon2id hashes only; tokens as their SHA-256 (the token itself is shown once).
            """CREATE TABLE app_user (
            username VARCHAR PRIMARY KEY, password_hash VARCHAR NOT NULL,
            role VARCHAR NOT NULL CHECK (role IN ('admin', 'analyst', 'enterprise')),
            uscc VARCHAR, created_at TIMESTAMP NOT NULL, disabled BOOLEAN NOT NULL DEFAULT FALSE,
            CHECK ((role = 'enterprise') = (uscc IS NOT NULL)))""",
            """CREATE TABLE api_token (
            token_sha256 VARCHAR PRIMARY KEY, username VARCHAR NOT NULL, created_at TIMESTAMP NOT NULL,
            expires_at TIMESTAMP NOT NULL)""",
            """CREATE TABLE api_job (
            job_id VARCHAR PRIMARY KEY, kind VARCHAR NOT NULL, status VARCHAR NOT NULL
                CHECK (status IN ('queued', 'running', 'done', 'failed')),
            progress DOUBLE NOT NULL DEFAULT 0, params JSON, result JSON, error VARCHAR, owner VARCHAR,
            created_at TIMESTAMP NOT NULL, finished_at TIMESTAMP)""",
        ],
    )
)

MIGRATIONS.append(
    (
        5,
        "owner of an analysis run (runs made by a background job belong to the account that submitted it)",
        [
            # NULL: a run made by the command line or the default load, readable by grade alone.
            "ALTER TABLE analysis_run ADD COLUMN owner VARCHAR",
        ],
    )
)
MIGRATIONS.append(
    (
        6,
        "releases of enterprise aggregates (statistical disclosure control)",
        [
            # made_at is UTC (naive TIMESTAMP holding UTC). One row per release.
            """CREATE TABLE release_header (
            release_id VARCHAR PRIMARY KEY, model_code VARCHAR NOT NULL, made_at TIMESTAMP NOT NULL,
            period VARCHAR, k INTEGER NOT NULL, p DOUBLE NOT NULL, n_min INTEGER NOT NULL,
            n_enterprises INTEGER NOT NULL, made_by VARCHAR, levels JSON, audit JSON)""",
            # The published cells of every table (margins included); suppressed rows hold no statistic.
            """CREATE TABLE release_cell (
            release_id VARCHAR NOT NULL, table_name VARCHAR NOT NULL, cell_key VARCHAR NOT NULL,
            sector VARCHAR, region VARCHAR, size_class VARCHAR, n DOUBLE, mean DOUBLE, q1 DOUBLE,
            median DOUBLE, q3 DOUBLE, shares JSON, suppressed BOOLEAN NOT NULL, suppression VARCHAR NOT NULL,
            position INTEGER NOT NULL, PRIMARY KEY (release_id, table_name, cell_key))""",
            # Core-grade: which assessment counted in which cell (canonical cell keys). Never served.
            """CREATE TABLE release_member (
            release_id VARCHAR NOT NULL, grouping VARCHAR NOT NULL, cell_key VARCHAR NOT NULL,
            assessment_id VARCHAR NOT NULL, uscc VARCHAR NOT NULL)""",
        ],
    )
)

MIGRATIONS.append(
    (
        7,
        "firm register and firm-to-firm transactions (the production network)",
        [
            # region_code: GB/T 2260, county level where known; sector_code in sector_scheme (IO sectors).
            """CREATE TABLE firm (
            uscc VARCHAR PRIMARY KEY, name VARCHAR, region_code VARCHAR NOT NULL, sector_code VARCHAR NOT NULL,
            sector_scheme VARCHAR NOT NULL, size_class VARCHAR NOT NULL, founding_year SMALLINT, employees DOUBLE,
            revenue_cny DOUBLE, dataset_id VARCHAR NOT NULL)""",
            # No key index (bulk loads of millions of rows): record_id uniqueness is checked by the ingest.
            """CREATE TABLE "transaction" (
            record_id VARCHAR NOT NULL, seller_uscc VARCHAR NOT NULL, buyer_uscc VARCHAR NOT NULL,
            "date" DATE NOT NULL, amount_cny DOUBLE NOT NULL, product_code VARCHAR, dataset_id VARCHAR NOT NULL)""",
        ],
    )
)

MIGRATIONS.append(
    (
        8,
        "monitoring: alerts with evidence, their state changes, subscriptions, the delivery outbox",
        [
            # One row per alert (monitor.states.ALERT_COLUMNS) and what it rests on: datasets, their
            # highest grade, the lineage of the evaluation. Times are UTC (naive TIMESTAMP).
            """CREATE TABLE alert (
            alert_id VARCHAR PRIMARY KEY, subject VARCHAR NOT NULL, rule VARCHAR NOT NULL, kind VARCHAR,
            region_code VARCHAR, indicator_code VARCHAR, year SMALLINT, severity VARCHAR NOT NULL,
            state VARCHAR NOT NULL CHECK (state IN ('open', 'acknowledged', 'closed')),
            condition VARCHAR NOT NULL CHECK (condition IN ('firing', 'cleared')), last_year SMALLINT,
            cleared_year SMALLINT, value DOUBLE, measure DOUBLE, message_en VARCHAR, message_zh VARCHAR,
            evidence JSON, opened_at TIMESTAMP NOT NULL, updated_at TIMESTAMP NOT NULL, datasets VARCHAR,
            grade VARCHAR NOT NULL CHECK (grade IN ('general', 'important', 'core')), lineage JSON)""",
            # The audit of every state change: who, why, when (from_state NULL: opened).
            """CREATE TABLE alert_change (
            "at" TIMESTAMP NOT NULL, actor VARCHAR NOT NULL, alert_id VARCHAR NOT NULL, from_state VARCHAR,
            to_state VARCHAR NOT NULL, reason VARCHAR)""",
            # Empty rules / regions / tags (comma-separated): every one.
            """CREATE TABLE alert_subscription (
            subscription_id VARCHAR PRIMARY KEY, username VARCHAR NOT NULL, rules VARCHAR NOT NULL DEFAULT '',
            regions VARCHAR NOT NULL DEFAULT '', tags VARCHAR NOT NULL DEFAULT '',
            channel VARCHAR NOT NULL CHECK (channel IN ('webhook', 'email')), target VARCHAR NOT NULL,
            created_at TIMESTAMP NOT NULL, active BOOLEAN NOT NULL DEFAULT TRUE)""",
            # One row per alert x subscription (delivery_id: the idempotency key sent with it).
            """CREATE TABLE alert_outbox (
            delivery_id VARCHAR PRIMARY KEY, alert_id VARCHAR NOT NULL, subscription_id VARCHAR NOT NULL,
            channel VARCHAR NOT NULL, target VARCHAR NOT NULL, payload JSON NOT NULL,
            status VARCHAR NOT NULL CHECK (status IN ('pending', 'delivered')), attempts INTEGER NOT NULL DEFAULT 0,
            next_try TIMESTAMP NOT NULL, last_error VARCHAR, created_at TIMESTAMP NOT NULL,
            delivered_at TIMESTAMP, UNIQUE (alert_id, subscription_id))""",
        ],
    )
)

MIGRATIONS.append(
    (
        9,
        "firm annual accounts and per-mu evaluation scores (亩均效益综合评价)",
        [
            # One row per firm and year; money in 万元 (10k CNY), land in mu, energy in tce, water and
            # emissions in t, shares as fractions. The SME columns feed the 专精特新 tier checks.
            """CREATE TABLE firm_account (
            uscc VARCHAR NOT NULL, year SMALLINT NOT NULL, firm_type VARCHAR, land_mu DOUBLE NOT NULL,
            tax_10k_cny DOUBLE, revenue_10k_cny DOUBLE, value_added_10k_cny DOUBLE,
            industrial_output_10k_cny DOUBLE, employees DOUBLE, energy_tce DOUBLE, electricity_kwh DOUBLE,
            water_t DOUBLE, cod_t DOUBLE, so2_t DOUBLE, rd_expenditure_10k_cny DOUBLE, invention_patents DOUBLE,
            net_profit_10k_cny DOUBLE, main_revenue_10k_cny DOUBLE, debt_ratio DOUBLE, ip_level VARCHAR,
            class1_ip_count DOUBLE, strategic_emerging BOOLEAN, equity_financing_2y_10k_cny DOUBLE,
            equity_financing_3y_10k_cny DOUBLE, years_in_niche DOUBLE, rd_staff_share DOUBLE,
            has_rd_institution BOOLEAN, zjtx_points DOUBLE, innovative_direct BOOLEAN, zjtx_direct BOOLEAN,
            giant_direct BOOLEAN, dataset_id VARCHAR NOT NULL)""",
            # The scores of one evaluation run (analysis_run kind 'per_mu'); the indicators are recomputed
            # from the accounts under the run's rules (params) when a profile asks for them.
            """CREATE TABLE per_mu_score (
            run_id VARCHAR NOT NULL, uscc VARCHAR NOT NULL, year SMALLINT NOT NULL, county VARCHAR,
            sector VARCHAR, branch VARCHAR, score DOUBLE, class VARCHAR, rank INTEGER, group_size INTEGER,
            prev_class VARCHAR, class_change DOUBLE, tax_10k_cny DOUBLE, value_added_10k_cny DOUBLE,
            land_mu DOUBLE)""",
        ],
    )
)

MIGRATIONS.append(
    (
        10,
        "indicator library: per-user watchlists; delivery claims (one sender per delivery)",
        [
            # One row per account x indicator x region ('' : every region / the national line).
            """CREATE TABLE watchlist (
            username VARCHAR NOT NULL, code VARCHAR NOT NULL, region_code VARCHAR NOT NULL DEFAULT '',
            added_at TIMESTAMP NOT NULL, PRIMARY KEY (username, code, region_code))""",
            # A delivery being sent: who claimed it and until when (NULL: free). A claim that was not
            # released by its deadline (the sender died) may be taken again.
            "ALTER TABLE alert_outbox ADD COLUMN claimed_by VARCHAR",
            "ALTER TABLE alert_outbox ADD COLUMN claimed_until TIMESTAMP",
        ],
    )
)

MIGRATIONS.append(
    (
        11,
        "departments as tenants, the steward role, data products, grants between departments, their uses, DP releases",
        [
            """CREATE TABLE department (
            department_id VARCHAR PRIMARY KEY, name_zh VARCHAR NOT NULL, name_en VARCHAR NOT NULL,
            created_at TIMESTAMP NOT NULL)""",
            # app_user rebuilt: the role CHECK gains 'steward', and a department column (a user belongs to one).
            """CREATE TABLE app_user_v11 (
            username VARCHAR PRIMARY KEY, password_hash VARCHAR NOT NULL,
            role VARCHAR NOT NULL CHECK (role IN ('admin', 'analyst', 'enterprise', 'steward')),
            uscc VARCHAR, created_at TIMESTAMP NOT NULL, disabled BOOLEAN NOT NULL DEFAULT FALSE,
            department VARCHAR,
            CHECK ((role = 'enterprise') = (uscc IS NOT NULL)),
            CHECK (role <> 'steward' OR department IS NOT NULL),
            CHECK (role <> 'enterprise' OR department IS NULL))""",
            "INSERT INTO app_user_v11 SELECT username, password_hash, role, uscc, created_at, disabled, NULL FROM app_user",
            "DROP TABLE app_user",
            "ALTER TABLE app_user_v11 RENAME TO app_user",
            # A published data product (DCAT-style metadata; the three rights; terms). object_id: the dataset,
            # run or release id (kind api: the dataset a query-only API answers over). Times are UTC.
            """CREATE TABLE data_product (
            product_id VARCHAR PRIMARY KEY, kind VARCHAR NOT NULL CHECK (kind IN ('dataset', 'run', 'release', 'api')),
            object_id VARCHAR NOT NULL, holder VARCHAR NOT NULL, processor VARCHAR, operator VARCHAR,
            title_zh VARCHAR NOT NULL, title_en VARCHAR NOT NULL, description VARCHAR, publisher VARCHAR,
            licence VARCHAR, temporal_start SMALLINT, temporal_end SMALLINT, spatial VARCHAR,
            update_frequency VARCHAR, grade VARCHAR NOT NULL CHECK (grade IN ('general', 'important', 'core')),
            quality JSON, lineage JSON,
            terms VARCHAR NOT NULL CHECK (terms IN ('public_interest_free', 'conditional', 'paid')),
            forms VARCHAR NOT NULL, measures JSON, epsilon_budget DOUBLE NOT NULL, public_epsilon DOUBLE NOT NULL,
            published_by VARCHAR, published_at TIMESTAMP NOT NULL)""",
            # A request for a product and, once decided, the grant (status approved until revoked or expired).
            """CREATE TABLE data_grant (
            grant_id VARCHAR PRIMARY KEY, product_id VARCHAR NOT NULL, grantee VARCHAR NOT NULL,
            requested_by VARCHAR NOT NULL, purpose VARCHAR NOT NULL, scope JSON NOT NULL,
            form VARCHAR NOT NULL CHECK (form IN ('rows', 'aggregates', 'query')), days INTEGER NOT NULL,
            epsilon DOUBLE NOT NULL,
            status VARCHAR NOT NULL CHECK (status IN ('pending', 'approved', 'refused', 'revoked')),
            requested_at TIMESTAMP NOT NULL, decided_by VARCHAR, decided_at TIMESTAMP, reason VARCHAR,
            expires_at TIMESTAMP, revoked_by VARCHAR, revoked_at TIMESTAMP, revoke_reason VARCHAR)""",
            # Every use of a product under a grant (grant_id NULL: a public DP release): who, what, when, rows.
            """CREATE TABLE grant_use (
            "at" TIMESTAMP NOT NULL, grant_id VARCHAR, product_id VARCHAR NOT NULL, actor VARCHAR NOT NULL,
            department VARCHAR, form VARCHAR NOT NULL, what VARCHAR NOT NULL, rows_returned BIGINT NOT NULL,
            epsilon DOUBLE NOT NULL DEFAULT 0)""",
            # Differentially private answers as released (a repeat of one query is served from here, spending nothing).
            """CREATE TABLE privacy_release (
            release_key VARCHAR PRIMARY KEY, product_id VARCHAR NOT NULL, grantee VARCHAR NOT NULL,
            grant_id VARCHAR, "at" TIMESTAMP NOT NULL, epsilon DOUBLE NOT NULL, query VARCHAR NOT NULL,
            answer JSON NOT NULL)""",
        ],
    )
)

MIGRATIONS.append(
    (
        12,
        "capital chain: financing needs, financing sources (mandates), firm accounts for listing screens",
        [
            # Amounts CNY, terms months; instrument debt | equity | grant. Firm-level: never general.
            """CREATE TABLE capital_need (
            need_id VARCHAR PRIMARY KEY, uscc VARCHAR NOT NULL, region_code VARCHAR NOT NULL, sector_code VARCHAR NOT NULL,
            amount DOUBLE NOT NULL, term_months DOUBLE NOT NULL, instrument VARCHAR NOT NULL, purpose VARCHAR NOT NULL,
            stage VARCHAR NOT NULL, risk_grade DOUBLE NOT NULL, collateral DOUBLE NOT NULL, size_class VARCHAR NOT NULL,
            dataset_id VARCHAR NOT NULL)""",
            # A mandate: sectors / regions / stages / sizes as 'a;b' lists ('' any); regions provinces.
            """CREATE TABLE capital_source (
            source_id VARCHAR PRIMARY KEY, name VARCHAR, kind VARCHAR NOT NULL, instrument VARCHAR NOT NULL,
            capacity DOUBLE NOT NULL, ticket_min DOUBLE NOT NULL, ticket_max DOUBLE NOT NULL, term_min_months DOUBLE NOT NULL,
            term_max_months DOUBLE NOT NULL, sectors VARCHAR NOT NULL, regions VARCHAR NOT NULL, stages VARCHAR NOT NULL,
            sizes VARCHAR NOT NULL, risk_appetite DOUBLE NOT NULL, collateral_ratio DOUBLE NOT NULL,
            dataset_id VARCHAR NOT NULL)""",
            # One row per firm and year (CNY); expected market value and NEEQ months of the latest year.
            """CREATE TABLE capital_account (
            uscc VARCHAR NOT NULL, "year" SMALLINT NOT NULL, revenue DOUBLE, net_profit DOUBLE,
            net_profit_deducted DOUBLE, rd_expense DOUBLE, operating_cash_flow DOUBLE, total_assets DOUBLE,
            total_liabilities DOUBLE, roe_weighted_pct DOUBLE, expected_market_value DOUBLE,
            neeq_innovation_tier_months DOUBLE, dataset_id VARCHAR NOT NULL, PRIMARY KEY (uscc, "year"))""",
        ],
    )
)

MIGRATIONS.append(
    (
        14,
        "data grades by GB/T 43697-2024 with their justification, and data stewards' overrides",
        [
            # One row per grading of a dataset (history kept; the latest row per dataset is in force).
            # grade: the computed level; ingest_grade: the dataset's grade before it was first graded;
            # effective_grade: what access uses (the override, else the higher of grade and ingest_grade).
            # Times are UTC (naive TIMESTAMP).
            """CREATE TABLE data_grade (
            grade_id VARCHAR PRIMARY KEY, dataset_id VARCHAR NOT NULL, "at" TIMESTAMP NOT NULL, graded_by VARCHAR,
            fingerprint VARCHAR NOT NULL, rules VARCHAR NOT NULL,
            grade VARCHAR NOT NULL CHECK (grade IN ('general', 'important', 'core')),
            general_sublevel SMALLINT, miit_level VARCHAR,
            ingest_grade VARCHAR NOT NULL CHECK (ingest_grade IN ('general', 'important', 'core')),
            effective_grade VARCHAR NOT NULL CHECK (effective_grade IN ('general', 'important', 'core')),
            justification JSON NOT NULL,
            override_grade VARCHAR CHECK (override_grade IN ('general', 'important', 'core')),
            overridden_by VARCHAR, override_reason VARCHAR, overridden_at TIMESTAMP,
            CHECK ((override_grade IS NULL) = (override_reason IS NULL)))""",
        ],
    )
)

MIGRATIONS.append(
    (
        15,
        "questionnaire drafts: an enterprise's unsubmitted answers, kept as it fills the form",
        [
            # One draft per enterprise (answers: question code → answer, JSON); deleted on submission.
            # updated_at is UTC (naive TIMESTAMP holding UTC).
            """CREATE TABLE assessment_draft (
            uscc VARCHAR PRIMARY KEY, answers JSON NOT NULL, updated_at TIMESTAMP NOT NULL,
            updated_by VARCHAR)""",
        ],
    )
)

SCHEMA_VERSION = max(v for v, _, _ in MIGRATIONS)

#: Tables whose content an ingest may change (compared before/after in the atomicity tests).
DATA_TABLES = (
    "dataset",
    "region",
    "sector",
    "indicator",
    "observation",
    "io_table",
    "io_flow",
    "io_code",
    "enterprise",
    "assessment",
    "audit",
    "quality_note",
    "region_neighbour",
    "external_reference",
    "analysis_run",
    "analysis_value",
    "assessment_result",
    "release_header",
    "release_cell",
    "release_member",
    "firm",
    "transaction",
    "alert",
    "alert_change",
    "alert_subscription",
    "alert_outbox",
    "firm_account",
    "per_mu_score",
    "data_grade",
    "watchlist",
    "department",
    "data_product",
    "data_grant",
    "grant_use",
    "privacy_release",
    "capital_need",
    "capital_source",
    "capital_account",
)
