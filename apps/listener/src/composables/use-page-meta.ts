import { watchEffect, type Ref } from 'vue';

function setMeta(attribute: 'name' | 'property', key: string, content: string) {
  let element = document.head.querySelector<HTMLMetaElement>(`meta[${attribute}="${key}"]`);
  if (!element) {
    element = document.createElement('meta');
    element.setAttribute(attribute, key);
    document.head.append(element);
  }
  element.content = content;
}

/** Keeps the page title and description (plus Open Graph tags) in line with the shown graph. */
export function usePageMeta(title: Ref<string | undefined>, description: Ref<string | undefined>) {
  watchEffect(() => {
    document.title = title.value ? `${title.value} · Gencaster` : 'Gencaster';
    const text = (description.value ?? '').replace(/[#*_`>[\]()]/g, '').slice(0, 200);
    setMeta('name', 'description', text);
    setMeta('property', 'og:title', title.value ?? 'Gencaster');
    setMeta('property', 'og:description', text);
  });
}
