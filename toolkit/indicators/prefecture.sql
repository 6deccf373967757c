-- Saturation indicators per préfecture (definitions: toolkit/indicators/prefecture.py).
--
-- TEMP macros, created on each connection that uses them (so read-only workspaces work
-- too) by toolkit.indicators.prefecture.install_prefecture_sql(ws). Over the view
-- `probes_local` (schema/002_crawl.sql: local time, lead days, La Cimade bucket per probe).
-- In a notebook:
--     install_prefecture_sql(ws)
--     ws.sql("FROM prefecture_indicators_table(pref := '76', by_period := 'month')").df()
-- Arguments (NULL = no filter): pref (code), proc (slug), since, until (local dates,
-- inclusive), by_period ('day', 'week', 'month' or NULL), split (one row per procedure).

CREATE OR REPLACE TEMP MACRO probe_period(local_date, iso_week, by_period) AS
    CASE by_period
        WHEN 'day' THEN strftime(local_date, '%Y-%m-%d')
        WHEN 'week' THEN iso_week
        WHEN 'month' THEN strftime(local_date, '%Y-%m')
    END;

CREATE OR REPLACE TEMP MACRO prefecture_probes(
    pref := NULL, proc := NULL, since := NULL, until := NULL, by_period := NULL, split := true
) AS TABLE
SELECT prefecture,
       CASE WHEN split THEN procedure END AS procedure,
       probe_period(local_date, iso_week, by_period) AS period,
       id, site, observed_at, outcome, usable, first_slot, lead_days, bucket, tz,
       procedure AS probe_procedure,  -- with site and time, a probe's key (cheaper than id)
       local_time, local_date, local_hour, local_weekday
FROM probes_local
WHERE (pref IS NULL OR prefecture = pref)
  AND (proc IS NULL OR procedure = proc)
  AND (since IS NULL OR local_date >= CAST(since AS DATE))
  AND (until IS NULL OR local_date <= CAST(until AS DATE));

CREATE OR REPLACE TEMP MACRO prefecture_indicators_table(
    pref := NULL, proc := NULL, since := NULL, until := NULL, by_period := NULL, split := true
) AS TABLE
WITH p AS (
    FROM prefecture_probes(pref := pref, proc := proc, since := since, until := until,
                           by_period := by_period, split := split)
),
-- Runs of consecutive no_slot probes: any other outcome (slots, error, captcha…) ends a run.
marked AS (
    SELECT prefecture, procedure, period, observed_at, outcome,
           sum(CASE WHEN outcome = 'no_slot' THEN 0 ELSE 1 END) OVER (
               PARTITION BY prefecture, procedure, period
               ORDER BY observed_at, site, probe_procedure
               ROWS BETWEEN UNBOUNDED PRECEDING AND CURRENT ROW) AS run
    FROM p
),
runs AS (
    SELECT prefecture, procedure, period, run,
           min(observed_at) AS run_start, max(observed_at) AS run_end
    FROM marked
    WHERE outcome = 'no_slot'
    GROUP BY prefecture, procedure, period, run
),
longest AS (
    SELECT prefecture, procedure, period,
           (epoch(run_end) - epoch(run_start)) / 3600.0 AS longest_no_slot_hours,
           run_start AS longest_no_slot_from, run_end AS longest_no_slot_to
    FROM runs
    QUALIFY row_number() OVER (
        PARTITION BY prefecture, procedure, period
        ORDER BY epoch(run_end) - epoch(run_start) DESC, run_start) = 1
),
agg AS (
    SELECT prefecture, procedure, period,
           any_value(tz) AS tz,
           count(*) AS probes,
           min(observed_at) AS first_probe,
           max(observed_at) AS last_probe,
           count(*) FILTER (WHERE outcome = 'no_slot') / count(*) AS no_slot_rate,
           count(*) FILTER (WHERE outcome = 'slots_available') / count(*) AS slots_rate,
           count(*) FILTER (WHERE outcome IN ('error', 'captcha', 'blocked', 'maintenance'))
               / count(*) AS error_rate,
           count(*) FILTER (WHERE outcome = 'unknown') / count(*) AS unknown_rate,
           count(*) FILTER (WHERE outcome = 'slots_available') AS slot_probes,
           count(*) FILTER (WHERE outcome = 'slots_available' AND first_slot IS NOT NULL)
               AS dated_probes,
           count(bucket) AS bucket_probes,
           count(*) FILTER (WHERE bucket = 'two_within_30d') AS n_two,
           count(*) FILTER (WHERE bucket = 'one_within_30d') AS n_one,
           count(*) FILTER (WHERE bucket = 'first_30_60d') AS n_30_60,
           count(*) FILTER (WHERE bucket = 'first_after_60d') AS n_after_60,
           count(*) FILTER (WHERE bucket = 'none') AS n_none,
           count(lead_days) AS lead_probes,
           quantile_cont(lead_days, 0.5) AS median_lead_days,
           quantile_cont(lead_days, 0.9) AS p90_lead_days
    FROM p
    GROUP BY prefecture, procedure, period
),
agg2 AS (
    SELECT *, bucket_probes > 0 AND NOT (slot_probes > 0 AND dated_probes = 0) AS dated
    FROM agg
)
SELECT a.prefecture, a.procedure, a.period, a.probes, a.first_probe, a.last_probe,
       a.no_slot_rate, a.slots_rate, a.error_rate, a.unknown_rate,
       a.bucket_probes,
       -- no bucket shares when the slots seen carry no date (a robot that only counts slots)
       CASE WHEN a.dated THEN a.n_two / a.bucket_probes END AS bucket_two_within_30d,
       CASE WHEN a.dated THEN a.n_one / a.bucket_probes END AS bucket_one_within_30d,
       CASE WHEN a.dated THEN a.n_30_60 / a.bucket_probes END AS bucket_first_30_60d,
       CASE WHEN a.dated THEN a.n_after_60 / a.bucket_probes END AS bucket_first_after_60d,
       CASE WHEN a.dated THEN a.n_none / a.bucket_probes END AS bucket_none,
       a.lead_probes, a.median_lead_days, a.p90_lead_days,
       l.longest_no_slot_hours, l.longest_no_slot_from, l.longest_no_slot_to,
       a.tz
FROM agg2 a
LEFT JOIN longest l
  ON l.prefecture = a.prefecture
 AND l.procedure IS NOT DISTINCT FROM a.procedure
 AND l.period IS NOT DISTINCT FROM a.period
ORDER BY a.prefecture, a.procedure NULLS FIRST, a.period NULLS FIRST;

-- When are slots released? Per local weekday (1 = Monday) and hour: the share of usable
-- probes (no_slot or slots_available) that found slots.
CREATE OR REPLACE TEMP MACRO prefecture_heatmap(
    pref := NULL, proc := NULL, since := NULL, until := NULL
) AS TABLE
SELECT local_weekday AS weekday, local_hour AS hour,
       count(*) FILTER (WHERE usable) AS usable_probes,
       count(*) FILTER (WHERE outcome = 'slots_available') AS slot_probes,
       count(*) FILTER (WHERE outcome = 'slots_available')
           / nullif(count(*) FILTER (WHERE usable), 0) AS slots_share
FROM prefecture_probes(pref := pref, proc := proc, since := since, until := until, split := false)
GROUP BY local_weekday, local_hour
ORDER BY weekday, hour;
