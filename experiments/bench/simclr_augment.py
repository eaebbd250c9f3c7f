"""SimCLR's image augmentations as torchvision defines them (RandomResizedCrop, ColorJitter, GaussianBlur,
RandomHorizontalFlip), written with torch operations because the peer environment (.bench-venv, Debian torch) has
no torchvision. Each follows torchvision 0.15's tensor code path for float images in [0, 1], (C, H, W):
resized_crop = crop + interpolate(bilinear, align_corners=False); ColorJitter = a random order of brightness /
contrast / saturation / hue with torchvision's _blend, rgb_to_grayscale and _rgb2hsv/_hsv2rgb; GaussianBlur = the
normalized Gaussian kernel, reflect padding, conv2d. DML4J's org.dml4j.augment classes implement the same
definitions; simclr-augment-reference.py writes fixed-parameter cases of these functions for its tests, and
simclr_reference.py trains with them.
"""
import math

import torch
import torch.nn.functional as F


def resized_crop(img, top, left, h, w, size):
    """torchvision.transforms.functional.resized_crop on a tensor (the box lies inside the image)."""
    box = img[:, top:top + h, left:left + w]
    return F.interpolate(box[None], size=size, mode="bilinear", align_corners=False)[0]


def crop_box(height, width, scale, ratio, gen):
    """RandomResizedCrop.get_params, drawing from a torch generator."""
    area = height * width
    log_ratio = (math.log(ratio[0]), math.log(ratio[1]))
    for _ in range(10):
        target_area = area * torch.empty(1).uniform_(scale[0], scale[1], generator=gen).item()
        aspect = math.exp(torch.empty(1).uniform_(log_ratio[0], log_ratio[1], generator=gen).item())
        w = int(round(math.sqrt(target_area * aspect)))
        h = int(round(math.sqrt(target_area / aspect)))
        if 0 < w <= width and 0 < h <= height:
            i = torch.randint(0, height - h + 1, size=(1,), generator=gen).item()
            j = torch.randint(0, width - w + 1, size=(1,), generator=gen).item()
            return i, j, h, w
    in_ratio = width / height
    if in_ratio < min(ratio):
        w, h = width, int(round(width / min(ratio)))
    elif in_ratio > max(ratio):
        h, w = height, int(round(height * max(ratio)))
    else:
        w, h = width, height
    return (height - h) // 2, (width - w) // 2, h, w


def _blend(img, other, factor):
    return (factor * img + (1.0 - factor) * other).clamp(0.0, 1.0)


def _grey(img):
    r, g, b = img.unbind(dim=-3)
    return (0.2989 * r + 0.587 * g + 0.114 * b).unsqueeze(dim=-3)


def adjust_brightness(img, factor):
    return _blend(img, torch.zeros_like(img), factor)


def adjust_contrast(img, factor):
    grey = _grey(img) if img.shape[-3] == 3 else img
    return _blend(img, torch.mean(grey, dim=(-3, -2, -1), keepdim=True), factor)


def adjust_saturation(img, factor):
    if img.shape[-3] == 1:
        return img
    return _blend(img, _grey(img), factor)


def _rgb2hsv(img):
    r, g, b = img.unbind(dim=-3)
    maxc = torch.max(img, dim=-3).values
    minc = torch.min(img, dim=-3).values
    eqc = maxc == minc
    cr = maxc - minc
    ones = torch.ones_like(maxc)
    s = cr / torch.where(eqc, ones, maxc)
    cr_divisor = torch.where(eqc, ones, cr)
    rc = (maxc - r) / cr_divisor
    gc = (maxc - g) / cr_divisor
    bc = (maxc - b) / cr_divisor
    hr = (maxc == r) * (bc - gc)
    hg = ((maxc == g) & (maxc != r)) * (2.0 + rc - bc)
    hb = ((maxc != g) & (maxc != r)) * (4.0 + gc - rc)
    h = torch.fmod((hr + hg + hb) / 6.0 + 1.0, 1.0)
    return torch.stack((h, s, maxc), dim=-3)


def _hsv2rgb(img):
    h, s, v = img.unbind(dim=-3)
    i = torch.floor(h * 6.0)
    f = (h * 6.0) - i
    i = i.to(dtype=torch.int32)
    p = torch.clamp((v * (1.0 - s)), 0.0, 1.0)
    q = torch.clamp((v * (1.0 - s * f)), 0.0, 1.0)
    t = torch.clamp((v * (1.0 - s * (1.0 - f))), 0.0, 1.0)
    i = i % 6
    mask = i.unsqueeze(dim=-3) == torch.arange(6, device=i.device).view(-1, 1, 1)
    a1 = torch.stack((v, q, p, p, t, v), dim=-3)
    a2 = torch.stack((t, v, v, q, p, p), dim=-3)
    a3 = torch.stack((p, p, t, v, v, q), dim=-3)
    a4 = torch.stack((a1, a2, a3), dim=-4)
    return torch.einsum("...ijk, ...xijk -> ...xjk", mask.to(dtype=img.dtype), a4)


def adjust_hue(img, shift):
    if img.shape[-3] == 1:
        return img
    hsv = _rgb2hsv(img)
    h, s, v = hsv.unbind(dim=-3)
    h = (h + shift) % 1.0
    return _hsv2rgb(torch.stack((h, s, v), dim=-3))


def jitter(img, order, brightness, contrast, saturation, hue):
    """ColorJitter.forward with fixed parameters (None skips an adjustment)."""
    for fn in order:
        if fn == 0 and brightness is not None:
            img = adjust_brightness(img, brightness)
        elif fn == 1 and contrast is not None:
            img = adjust_contrast(img, contrast)
        elif fn == 2 and saturation is not None:
            img = adjust_saturation(img, saturation)
        elif fn == 3 and hue is not None:
            img = adjust_hue(img, hue)
    return img


def random_jitter(img, strengths, gen):
    """ColorJitter(brightness, contrast, saturation, hue).forward, drawing from a torch generator."""
    b, c, s, h = strengths
    order = torch.randperm(4, generator=gen).tolist()

    def factor(x):
        return None if x == 0 else torch.empty(1).uniform_(max(0.0, 1 - x), 1 + x, generator=gen).item()

    fb, fc, fs = factor(b), factor(c), factor(s)
    fh = None if h == 0 else torch.empty(1).uniform_(-h, h, generator=gen).item()
    return jitter(img, order, fb, fc, fs, fh)


def gaussian_kernel(kernel_size, sigma):
    half = (kernel_size - 1) * 0.5
    x = torch.linspace(-half, half, steps=kernel_size, dtype=torch.float64)
    pdf = torch.exp(-0.5 * (x / sigma).pow(2))
    return pdf / pdf.sum()


def gaussian_blur(img, kernel_size, sigma):
    """torchvision.transforms.functional.gaussian_blur on a tensor (same sigma in both directions)."""
    k1 = gaussian_kernel(kernel_size, sigma).to(img.dtype)
    k2 = torch.outer(k1, k1)
    c = img.shape[-3]
    weight = k2.expand(c, 1, kernel_size, kernel_size)
    pad = kernel_size // 2
    padded = F.pad(img[None], [pad, pad, pad, pad], mode="reflect")
    return F.conv2d(padded, weight, groups=c)[0]


def simclr_views(images, gen, scale=(0.2, 1.0), jitter_strengths=(0.4, 0.4, 0.4, 0.1), jitter_p=0.8,
                 blur_kernel=3, blur_p=0.5):
    """One augmented view of each (C, H, W) image: RandomResizedCrop(scale), RandomHorizontalFlip,
    RandomApply(ColorJitter, jitter_p), RandomApply(GaussianBlur(blur_kernel, (0.1, 2)), blur_p)."""
    out = torch.empty_like(images)
    _, height, width = images.shape[1:]
    for n, img in enumerate(images):
        top, left, h, w = crop_box(height, width, scale, (3 / 4, 4 / 3), gen)
        img = resized_crop(img, top, left, h, w, (height, width))
        if torch.rand(1, generator=gen).item() < 0.5:
            img = img.flip(-1)
        if torch.rand(1, generator=gen).item() < jitter_p:
            img = random_jitter(img, jitter_strengths, gen)
        if torch.rand(1, generator=gen).item() < blur_p:
            sigma = torch.empty(1).uniform_(0.1, 2.0, generator=gen).item()
            img = gaussian_blur(img, blur_kernel, sigma)
        out[n] = img
    return out
