// A frontend's calls through a client generated from openapi.yaml: this
// must compile under strict TypeScript with no casts.
import createClient from "openapi-fetch";
import type { paths, components } from "./schema";

type Article = components["schemas"]["ArticleView"];
// `fields=` / `include=` answers: only the fields asked for.
type ArticleFields = components["schemas"]["ArticleFields"];
type Problem = components["schemas"]["Problem"];

const api = createClient<paths>({ baseUrl: "http://127.0.0.1:8080" });

export async function latest(category: string): Promise<string[]> {
  const { data, error } = await api.GET("/api/v1/articles", {
    params: { query: { category, limit: 20 } },
  });
  if (error) {
    const code: Problem["code"] = error.code;
    throw new Error(code);
  }
  // Without `fields=`, every item has its slug; the type also covers trimmed answers.
  return data.data.flatMap((a) => (a.slug === undefined ? [] : [a.slug]));
}

/** A full article, as answered when neither `fields=` nor `include=` is sent. */
function isFull(a: Article | ArticleFields): a is Article {
  return "body" in a && "slug" in a && "authors" in a;
}

export async function article(slug: string): Promise<Article> {
  const { data, error } = await api.GET("/api/v1/articles/{id_or_slug}", {
    params: { path: { id_or_slug: slug } },
  });
  if (error) throw new Error(error.detail);
  if (!isFull(data)) throw new Error("a trimmed article");
  return data;
}

export async function headline(slug: string): Promise<string | undefined> {
  const { data, error } = await api.GET("/api/v1/articles/{id_or_slug}", {
    params: { path: { id_or_slug: slug }, query: { fields: "title" } },
  });
  if (error) throw new Error(error.detail);
  return data.title;
}

export async function publish(token: string, slug: string): Promise<number> {
  const { data, error } = await api.POST("/api/v1/articles/{id_or_slug}/publish", {
    params: { path: { id_or_slug: slug } },
    headers: { Authorization: `Bearer ${token}` },
    body: { at: "2024-04-20T09:54:00+07:00" },
  });
  if (error) throw new Error(error.code);
  return data.version;
}

export async function login(email: string, password: string): Promise<string> {
  const { data, error } = await api.POST("/api/v1/auth/login", {
    body: { email, password },
  });
  if (error) throw new Error(error.code);
  return data.access_token;
}

type CommentView = components["schemas"]["CommentView"];

export async function commentThreads(slug: string): Promise<string[]> {
  const { data, error } = await api.GET("/api/v1/articles/{id_or_slug}/comments", {
    params: { path: { id_or_slug: slug }, query: { order: "newest", limit: 20 } },
  });
  if (error) throw new Error(error.code);
  const walk = (c: CommentView): string[] => [c.body_html, ...c.replies.flatMap(walk)];
  return data.data.flatMap(walk);
}

export async function postComment(slug: string, body: string): Promise<string> {
  const { data, error } = await api.POST("/api/v1/articles/{id_or_slug}/comments", {
    params: { path: { id_or_slug: slug } },
    body: { author_name: "Bạn đọc", body },
  });
  if (error) throw new Error(error.code);
  return data.status;
}
