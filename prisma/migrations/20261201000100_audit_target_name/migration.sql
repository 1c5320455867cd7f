-- The name of the alias an event is about (an alias is addressed by its name, and a key
-- narrowed by `aliases` reads only the events on those). Null for other targets.
ALTER TABLE "audit_events" ADD COLUMN "target_name" TEXT;

-- Events written before this: the name from the alias, or, for an alias since deleted, from
-- its create or delete event (an alias's name never changes). The append-only trigger is off
-- for this one backfill, in this migration's transaction only.
ALTER TABLE "audit_events" DISABLE TRIGGER "audit_events_append_only";

UPDATE "audit_events" AS e SET "target_name" = a."name"
  FROM "aliases" AS a
 WHERE e."target_type" = 'alias' AND e."target_id" = a."id";

UPDATE "audit_events" AS e SET "target_name" = (
    SELECT COALESCE(c."diff" -> 'after' ->> 'name', c."diff" -> 'before' ->> 'name')
      FROM "audit_events" AS c
     WHERE c."target_type" = 'alias' AND c."target_id" = e."target_id" AND c."action" IN ('alias.create', 'alias.delete')
     LIMIT 1)
 WHERE e."target_type" = 'alias' AND e."target_name" IS NULL;

ALTER TABLE "audit_events" ENABLE TRIGGER "audit_events_append_only";
