-- AlterTable
ALTER TABLE "Api" ADD COLUMN     "searchDocument" tsvector,
ADD COLUMN     "searchOperations" tsvector,
ADD COLUMN     "searchWords" TEXT;

-- Hand-written: the search columns are stored, not computed per query, so
-- matching and ranking a few thousand APIs reads small stored vectors. A
-- trigger keeps "searchDocument" and "searchWords" in step with the API, and
-- lib/catalog/versions.ts sets "searchOperations" when the catalog version
-- changes. (Semicolons in the trigger body are written \073: the migration
-- runner splits statements at every semicolon, comments included.)

-- Weighted document: name and slug (A), tags and category (B), summary (C),
-- description (D).
CREATE FUNCTION portico_api_search_document(name text, slug text, tags text[], category text, summary text, description text)
  RETURNS tsvector LANGUAGE sql IMMUTABLE PARALLEL SAFE AS $$
  SELECT setweight(to_tsvector('simple', name || ' ' || replace(slug, '-', ' ')), 'A')
      || setweight(to_tsvector('simple', array_to_string(tags, ' ') || ' ' || coalesce(category, '')), 'B')
      || setweight(to_tsvector('simple', summary), 'C')
      || setweight(to_tsvector('simple', left(description, 20000)), 'D')
$$;

-- Typos are matched against the name and tags only: summaries share too many
-- common words for trigram similarity to stay cheap and meaningful.
CREATE OR REPLACE FUNCTION portico_api_words(name text, tags text[], summary text)
  RETURNS text LANGUAGE sql IMMUTABLE PARALLEL SAFE AS $$
  SELECT lower(name || ' ' || array_to_string(tags, ' '))
$$;

CREATE FUNCTION portico_api_search_refresh() RETURNS trigger LANGUAGE plpgsql AS
  E'BEGIN NEW."searchDocument" := portico_api_search_document(NEW."name", NEW."slug", NEW."tags", NEW."category", NEW."summary", NEW."description")\073 NEW."searchWords" := portico_api_words(NEW."name", NEW."tags", NEW."summary")\073 RETURN NEW\073 END\073';

CREATE TRIGGER "Api_search_refresh"
  BEFORE INSERT OR UPDATE OF "name", "slug", "tags", "category", "summary", "description" ON "Api"
  FOR EACH ROW EXECUTE FUNCTION portico_api_search_refresh();

UPDATE "Api" a SET "name" = a."name",
  "searchOperations" = (SELECT to_tsvector('simple', string_agg(o."searchText", ' ')) FROM "ApiOperation" o WHERE o."versionId" = a."catalogVersionId");

DROP INDEX "Api_search_document_idx";
DROP INDEX "Api_words_trgm_idx";
DROP INDEX "ApiOperation_search_idx";
DROP FUNCTION portico_api_document;
CREATE INDEX "Api_searchDocument_idx" ON "Api" USING GIN ("searchDocument");
CREATE INDEX "Api_searchOperations_idx" ON "Api" USING GIN ("searchOperations");
CREATE INDEX "Api_searchWords_trgm_idx" ON "Api" USING GIN ("searchWords" gin_trgm_ops);
