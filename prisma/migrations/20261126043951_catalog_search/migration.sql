-- AlterTable
ALTER TABLE "Api" ADD COLUMN     "catalogVersionId" TEXT;

-- CreateTable
CREATE TABLE "ApiOperation" (
    "id" TEXT NOT NULL,
    "versionId" TEXT NOT NULL,
    "method" TEXT NOT NULL,
    "path" TEXT NOT NULL,
    "operationId" TEXT,
    "summary" TEXT NOT NULL DEFAULT '',
    "tags" TEXT[] DEFAULT ARRAY[]::TEXT[],
    "deprecated" BOOLEAN NOT NULL DEFAULT false,
    "searchText" TEXT NOT NULL,

    CONSTRAINT "ApiOperation_pkey" PRIMARY KEY ("id")
);

-- CreateIndex
CREATE INDEX "ApiOperation_versionId_idx" ON "ApiOperation"("versionId");

-- CreateIndex
CREATE UNIQUE INDEX "Api_catalogVersionId_key" ON "Api"("catalogVersionId");

-- AddForeignKey
ALTER TABLE "Api" ADD CONSTRAINT "Api_catalogVersionId_fkey" FOREIGN KEY ("catalogVersionId") REFERENCES "ApiVersion"("id") ON DELETE SET NULL ON UPDATE CASCADE;

-- AddForeignKey
ALTER TABLE "ApiOperation" ADD CONSTRAINT "ApiOperation_versionId_fkey" FOREIGN KEY ("versionId") REFERENCES "ApiVersion"("id") ON DELETE CASCADE ON UPDATE CASCADE;


-- Hand-written: catalog search (full text with ranking weights, and trigram
-- matching so small typos in a name still find the API).
CREATE EXTENSION IF NOT EXISTS pg_trgm;

-- Weighted document of an API: name and slug (A), tags and category (B),
-- summary (C), description (D). IMMUTABLE so it can back an index
-- (array_to_string is only STABLE in general, but is immutable for text[]).
CREATE FUNCTION portico_api_document(name text, slug text, tags text[], category text, summary text, description text)
  RETURNS tsvector LANGUAGE sql IMMUTABLE PARALLEL SAFE AS $$
  SELECT setweight(to_tsvector('simple', name || ' ' || replace(slug, '-', ' ')), 'A')
      || setweight(to_tsvector('simple', array_to_string(tags, ' ') || ' ' || coalesce(category, '')), 'B')
      || setweight(to_tsvector('simple', summary), 'C')
      || setweight(to_tsvector('simple', left(description, 20000)), 'D')
$$;

CREATE INDEX "Api_search_document_idx" ON "Api"
  USING GIN (portico_api_document("name", "slug", "tags", "category", "summary", "description"));

-- The words a misspelt search is compared with (trigram word similarity).
CREATE FUNCTION portico_api_words(name text, tags text[], summary text)
  RETURNS text LANGUAGE sql IMMUTABLE PARALLEL SAFE AS $$
  SELECT lower(name || ' ' || array_to_string(tags, ' ') || ' ' || summary)
$$;
CREATE INDEX "Api_words_trgm_idx" ON "Api" USING GIN (portico_api_words("name", "tags", "summary") gin_trgm_ops);
CREATE INDEX "Api_name_lower_idx" ON "Api" (lower("name"), "id");
CREATE INDEX "ApiOperation_search_idx" ON "ApiOperation" USING GIN (to_tsvector('simple', "searchText"));
