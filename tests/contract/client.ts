// A frontend's calls through a client generated from openapi.yaml: this
// must compile under strict TypeScript with no casts.
import createClient from "openapi-fetch";
import type { paths, components } from "./schema";

type Article = components["schemas"]["ArticleView"];
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
  return data.data.map((a) => a.slug);
}

export async function article(slug: string): Promise<Article> {
  const { data, error } = await api.GET("/api/v1/articles/{id_or_slug}", {
    params: { path: { id_or_slug: slug } },
  });
  if (error) throw new Error(error.detail);
  return data;
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
